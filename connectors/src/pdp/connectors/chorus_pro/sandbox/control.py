"""The control API under ``/_sandbox`` (no authentication: the emulator binds to localhost).

====================================  ==========================================================================
``GET  /_sandbox/info``               the :func:`.info.sandbox_info` object
``POST /_sandbox/reset``              fresh state; optional body: a seed to reset with (else the current one)
``GET  /_sandbox/clock``              ``{"now", "offset_s"}``
``POST /_sandbox/clock/advance``      ``{"seconds"|"minutes"|"hours"|"days": n}`` → ``{"now", "applied"}``
``GET|POST /_sandbox/settings``       ``{"rate_limit", "reception_delay", "integration_delay", "token_lifetime"}``
``POST /_sandbox/directory``          a seed to merge (``?replace=true``: replace the directory) until reset
``GET  /_sandbox/invoices[/{id}]``    every invoice, or one with its history
``POST /_sandbox/invoices/{id}/status``  the buyer acts: ``{"statut", "commentaire"}``
``POST /_sandbox/invoices/{id}/force``   any status, known or not (:class:`.forcing.ForcedStatus`)
``GET  /_sandbox/fluxes/{numero}``    a flux, its state and errors
``POST /_sandbox/fluxes/{numero}/state``  any flux state (:class:`.forcing.FluxState`)
``GET|POST|DELETE /_sandbox/faults``  list, add (:class:`.faults.FaultSpec`), clear
``POST /_sandbox/tokens/expire``      invalidate every issued bearer token
``POST /_sandbox/accounts/{login}/password``  renew or set a password's expiry (:class:`.piste.PasswordChange`)
``GET  /_sandbox/ledger[?since=seq]`` every request; ``GET /_sandbox/ledger/summary``: rate and duplicates
====================================  ==========================================================================
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs

import msgspec

from pdp.connectors.chorus_pro.sandbox import lifecycle
from pdp.connectors.chorus_pro.sandbox.clock import iso_millis, minute
from pdp.connectors.chorus_pro.sandbox.directory import load_seed
from pdp.connectors.chorus_pro.sandbox.faults import FaultSpec
from pdp.connectors.chorus_pro.sandbox.forcing import FluxState, ForcedStatus, force_flux_state, force_invoice_status
from pdp.connectors.chorus_pro.sandbox.info import sandbox_info
from pdp.connectors.chorus_pro.sandbox.piste import RateLimiter, change_password, expire_tokens
from pdp.connectors.chorus_pro.sandbox.replies import ChorusFailure, Reply, json_reply
from pdp.connectors.chorus_pro.sandbox.state import Invoice, SandboxState


class Advance(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    seconds: float = 0
    minutes: float = 0
    hours: float = 0
    days: float = 0


class SettingsPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rate_limit: int | None = None
    reception_delay: float | None = None
    integration_delay: float | None = None
    token_lifetime: int | None = None


class BuyerStatus(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    statut: str
    commentaire: str | None = None


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _decode(body: bytes, kind: type[Any]) -> Any:
    try:
        return msgspec.json.decode(body or b"{}", type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ControlError(400, str(exc)) from None


def invoice_view(invoice: Invoice, *, history: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statut": invoice.status.code,
        "commentaire": invoice.status.comment,
        "numeroFluxDepot": invoice.flux_number,
        "fournisseur": invoice.supplier.siret,
        "destinataire": invoice.recipient.siret,
        "scenario": invoice.recipient.scenario,
    }
    if history:
        view["historique"] = [
            {"statut": entry.code, "date": minute(entry.at), "commentaire": entry.comment} for entry in invoice.history
        ]
    return view


class ControlApi:
    def __init__(self, state: SandboxState, limiter: RateLimiter, *, base_url: str = "") -> None:
        self.state = state
        self.limiter = limiter
        self.base_url = base_url

    def handle(self, method: str, path: str, query: bytes, body: bytes) -> Reply:
        parts = [part for part in path.removeprefix("/_sandbox").split("/") if part]
        params = {key: values[0] for key, values in parse_qs(query.decode("latin-1")).items()}
        try:
            return json_reply(200, self._route(method, parts, params, body))
        except ControlError as exc:
            return json_reply(exc.status, {"error": str(exc)})
        except ChorusFailure as exc:
            return json_reply(409, {"error": exc.libelle, "codeRetour": exc.code})
        except ValueError as exc:
            return json_reply(400, {"error": str(exc)})

    def _route(  # noqa: PLR0912 - one case per route reads better than a table of lambdas
        self, method: str, parts: list[str], params: dict[str, str], body: bytes
    ) -> Any:
        state = self.state
        match method, parts:
            case "GET", ["info"]:
                return sandbox_info(self.base_url, state.seed, rate_limit=state.settings.rate_limit)
            case "POST", ["reset"]:
                state.reset(load_seed(body) if body.strip() else None)
                self.limiter.clear()
                return {"reset": True}
            case "GET", ["clock"]:
                return {"now": iso_millis(state.clock.now()), "offset_s": state.clock.offset}
            case "POST", ["clock", "advance"]:
                step = _decode(body, Advance)
                state.clock.advance(step.seconds + 60 * step.minutes + 3600 * step.hours + 86400 * step.days)
                return {"now": iso_millis(state.clock.now()), "applied": state.run_due()}
            case "GET", ["settings"]:
                return dataclasses.asdict(state.settings)
            case "POST", ["settings"]:
                patch = _decode(body, SettingsPatch)
                for name, value in msgspec.structs.asdict(patch).items():
                    if value is not None:
                        setattr(state.settings, name, value)
                return dataclasses.asdict(state.settings)
            case "POST", ["directory"]:
                state.change_directory(load_seed(body), replace=params.get("replace") == "true")
                return {"structures": len(state.directory.structures), "accounts": len(state.directory.accounts)}
            case "GET", ["invoices"]:
                return [invoice_view(one) for one in state.invoices.values()]
            case "GET", ["invoices", number]:
                return invoice_view(self._invoice(number), history=True)
            case "POST", ["invoices", number, "status"]:
                wanted = _decode(body, BuyerStatus)
                invoice = self._invoice(number)
                lifecycle.buyer_sets(state, invoice, wanted.statut, wanted.commentaire)
                return invoice_view(invoice, history=True)
            case "POST", ["invoices", number, "force"]:
                invoice = self._invoice(number)
                force_invoice_status(state, invoice, _decode(body, ForcedStatus))
                return invoice_view(invoice, history=True)
            case "GET", ["fluxes", number]:
                return self._flux(number)
            case "POST", ["fluxes", number, "state"]:
                wanted = _decode(body, FluxState)
                if number not in state.fluxes:
                    raise ControlError(404, f"no flux {number}")
                force_flux_state(state, state.fluxes[number], wanted)
                return self._flux(number)
            case "GET", ["faults"]:
                return msgspec.to_builtins(state.faults.active())
            case "POST", ["faults"]:
                return msgspec.to_builtins(state.faults.add(_decode(body, FaultSpec)))
            case "DELETE", ["faults"]:
                state.faults.clear()
                return {"cleared": True}
            case "POST", ["tokens", "expire"]:
                return {"expired": expire_tokens(state)}
            case "POST", ["accounts", login, "password"]:
                return change_password(state, login, body)
            case "GET", ["ledger"]:
                return msgspec.to_builtins(state.ledger.entries(int(params.get("since", "0"))))
            case "GET", ["ledger", "summary"]:
                return msgspec.to_builtins(state.ledger.summary())
        raise ControlError(404, f"no control route {method} /_sandbox/{'/'.join(parts)}")

    def _invoice(self, number: str) -> Invoice:
        invoice = self.state.invoices.get(int(number)) if number.isdigit() else None
        if invoice is None:
            raise ControlError(404, f"no invoice {number}")
        return invoice

    def _flux(self, number: str) -> dict[str, Any]:
        flux = self.state.fluxes.get(number)
        if flux is None:
            raise ControlError(404, f"no flux {number}")
        return {
            "numeroFluxDepot": flux.number,
            "etat": flux.state,
            "syntaxeFlux": flux.syntax,
            "fournisseur": flux.supplier.siret,
            "factures": flux.invoice_ids,
            "erreursDP": [vars_of(error) for error in flux.dp_errors],
            "erreursTechniques": [vars_of(error) for error in flux.technical_errors],
        }


def vars_of(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}
