"""Where each business term lives in each syntax, for the ``path`` of findings.

Filled by the readers' authors: ``CII_PATHS[bt]`` / ``UBL_PATHS[bt]`` is the XPath of the element carrying the
term (namespace prefixes rsm/ram/udt for CII, cac/cbc for UBL). Line-level terms are relative to one line
(``ram:IncludedSupplyChainTradeLineItem`` / ``cac:InvoiceLine``); :func:`xpath_for` adds the line index.
"""

from __future__ import annotations

CII_PATHS: dict[str, str] = {
    # Header terms are absolute; line terms (BG-25…BG-32, BT-126…BT-161) are relative to one
    # ram:IncludedSupplyChainTradeLineItem (see CII_LINE).
    # Where a term shares its element with another (BT-110/BT-111 by currencyID, BG-20/BG-21 by ChargeIndicator),
    # the path is the shared element; attachments (BG-24) are the AdditionalReferencedDocument with TypeCode 916.
    "BG-2": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
    "BT-23": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
    "/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
    "BT-24": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter"
    "/ram:ID",
    "BT-1": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
    "BT-2": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
    "BT-3": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode",
    "BG-1": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote",
    "BT-21": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode",
    "BT-22": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote/ram:Content",
    "BT-5": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:InvoiceCurrencyCode",
    "BT-6": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:TaxCurrencyCode",
    "BT-7": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString",
    "BT-8": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:DueDateTypeCode",
    "BT-9": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
    "BT-10": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerReference",
    "BT-11": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SpecifiedProcuringProject/ram:ID",
    "BT-12": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:ContractReferencedDocument/ram:IssuerAssignedID",
    "BT-13": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
    "BT-14": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerOrderReferencedDocument/ram:IssuerAssignedID",
    "BT-15": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID",
    "BT-16": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID",
    "BT-17": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument[ram:TypeCode='50']/ram:IssuerAssignedID",
    "BT-18": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument[ram:TypeCode='130']/ram:IssuerAssignedID",
    "BT-18-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument[ram:TypeCode='130']/ram:ReferenceTypeCode",
    "BT-19": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
    "BT-20": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradePaymentTerms/ram:Description",
    "BG-3": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:InvoiceReferencedDocument",
    "BT-25": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
    "BT-26": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString",
    "BG-4": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty",
    "BT-27": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:Name",
    "BT-28": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:TradingBusinessName",
    "BT-29": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:ID",
    "BT-29-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:GlobalID/@schemeID",
    "BT-30": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
    "BT-30-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/@schemeID",
    "BT-31": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    "BT-34": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID",
    "BT-34-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID/@schemeID",
    "BT-32": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']",
    "BT-33": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:Description",
    "BG-5": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress",
    "BT-35": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:LineOne",
    "BT-36": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:LineTwo",
    "BT-162": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:LineThree",
    "BT-37": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:CityName",
    "BT-38": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode",
    "BT-39": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountrySubDivisionName",
    "BT-40": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID",
    "BG-6": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:DefinedTradeContact",
    "BT-41": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonName",
    "BT-42": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber",
    "BT-43": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID",
    "BG-7": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty",
    "BT-44": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:Name",
    "BT-45": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:TradingBusinessName",
    "BT-46": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:ID",
    "BT-46-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:GlobalID/@schemeID",
    "BT-47": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
    "BT-47-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/@schemeID",
    "BT-48": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    "BT-49": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID",
    "BT-49-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID/@schemeID",
    "BG-8": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress",
    "BT-50": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineOne",
    "BT-51": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineTwo",
    "BT-163": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineThree",
    "BT-52": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName",
    "BT-53": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode",
    "BT-54": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountrySubDivisionName",
    "BT-55": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID",
    "BG-9": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:DefinedTradeContact",
    "BT-56": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:DefinedTradeContact/ram:PersonName",
    "BT-57": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber",
    "BT-58": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID",
    "BG-10": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PayeeTradeParty",
    "BT-59": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PayeeTradeParty/ram:Name",
    "BT-60": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PayeeTradeParty/ram:ID",
    "BT-60-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PayeeTradeParty/ram:GlobalID/@schemeID",
    "BT-61": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
    "BT-61-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:ID/@schemeID",
    "BG-11": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty",
    "BT-62": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:Name",
    "BT-63": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    "BG-12": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress",
    "BT-64": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:LineOne",
    "BT-65": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:LineTwo",
    "BT-164": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:LineThree",
    "BT-66": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:CityName",
    "BT-67": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:PostcodeCode",
    "BT-68": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:CountrySubDivisionName",
    "BT-69": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:CountryID",
    "BG-13": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery",
    "BT-70": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:Name",
    "BT-71": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:ID",
    "BT-71-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:GlobalID/@schemeID",
    "BT-72": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString",
    "BG-14": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:BillingSpecifiedPeriod",
    "BT-73": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString",
    "BT-74": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString",
    "BG-15": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress",
    "BT-75": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:LineOne",
    "BT-76": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:LineTwo",
    "BT-165": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:LineThree",
    "BT-77": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CityName",
    "BT-78": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:PostcodeCode",
    "BT-79": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountrySubDivisionName",
    "BT-80": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
    "/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID",
    "BG-16": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans",
    "BT-81": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode",
    "BT-82": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:Information",
    "BT-83": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:PaymentReference",
    "BG-17": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount",
    "BT-84": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
    "BT-85": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:AccountName",
    "BT-86": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID",
    "BG-18": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard",
    "BT-87": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:ID",
    "BT-88": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:CardholderName",
    "BT-89": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID",
    "BT-90": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:CreditorReferenceID",
    "BT-91": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID",
    "BG-20": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge",
    "BT-92": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount",
    "BT-93": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount",
    "BT-94": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent",
    "BT-95": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:CategoryCode",
    "BT-96": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:RateApplicablePercent",
    "BT-97": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:Reason",
    "BT-98": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode",
    "BG-21": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge",
    "BT-99": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount",
    "BT-100": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount",
    "BT-101": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent",
    "BT-102": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:CategoryCode",
    "BT-103": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:RateApplicablePercent",
    "BT-104": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:Reason",
    "BT-105": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode",
    "BG-22": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    "BT-106": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:LineTotalAmount",
    "BT-107": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:AllowanceTotalAmount",
    "BT-108": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:ChargeTotalAmount",
    "BT-109": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxBasisTotalAmount",
    "BT-110": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount",
    "BT-111": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount",
    "BT-112": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount",
    "BT-113": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TotalPrepaidAmount",
    "BT-114": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:RoundingAmount",
    "BT-115": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount",
    "BG-23": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax",
    "BT-116": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:BasisAmount",
    "BT-117": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:CalculatedAmount",
    "BT-118": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:CategoryCode",
    "BT-119": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:RateApplicablePercent",
    "BT-120": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:ExemptionReason",
    "BT-121": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:ApplicableTradeTax/ram:ExemptionReasonCode",
    "BG-24": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument",
    "BT-122": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument/ram:IssuerAssignedID",
    "BT-123": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument/ram:Name",
    "BT-124": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument/ram:URIID",
    "BT-125": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject",
    "BT-125-1": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject/@mimeCode",
    "BT-125-2": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject/@filename",
    "BG-25": ".",
    "BT-126": "ram:AssociatedDocumentLineDocument/ram:LineID",
    "BT-127": "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content",
    "BT-128": "ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument/ram:IssuerAssignedID",
    "BT-128-1": "ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument/ram:ReferenceTypeCode",
    "BT-129": "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
    "BT-130": "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
    "BT-131": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
    "BT-132": "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID",
    "BT-133": "ram:SpecifiedLineTradeSettlement/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
    "BG-26": "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod",
    "BT-134": "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString",
    "BT-135": "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString",
    "BG-27": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge",
    "BT-136": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount",
    "BT-137": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount",
    "BT-138": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent",
    "BT-139": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:Reason",
    "BT-140": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode",
    "BG-28": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge",
    "BT-141": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount",
    "BT-142": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount",
    "BT-143": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent",
    "BT-144": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:Reason",
    "BT-145": "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode",
    "BG-29": "ram:SpecifiedLineTradeAgreement",
    "BT-146": "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
    "BT-147": "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge"
    "/ram:ActualAmount",
    "BT-148": "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:ChargeAmount",
    "BT-149": "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity",
    "BT-150": "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity/@unitCode",
    "BG-30": "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax",
    "BT-151": "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode",
    "BT-152": "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent",
    "BG-31": "ram:SpecifiedTradeProduct",
    "BT-153": "ram:SpecifiedTradeProduct/ram:Name",
    "BT-154": "ram:SpecifiedTradeProduct/ram:Description",
    "BT-155": "ram:SpecifiedTradeProduct/ram:SellerAssignedID",
    "BT-156": "ram:SpecifiedTradeProduct/ram:BuyerAssignedID",
    "BT-157": "ram:SpecifiedTradeProduct/ram:GlobalID",
    "BT-157-1": "ram:SpecifiedTradeProduct/ram:GlobalID/@schemeID",
    "BT-158": "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode",
    "BT-158-1": "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/@listID",
    "BT-158-2": "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/@listVersionID",
    "BT-159": "ram:SpecifiedTradeProduct/ram:OriginTradeCountry/ram:ID",
    "BG-32": "ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic",
    "BT-160": "ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic/ram:Description",
    "BT-161": "ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic/ram:Value",
}
UBL_PATHS: dict[str, str] = {
    "BT-1": "/Invoice/cbc:ID",
    "BT-2": "/Invoice/cbc:IssueDate",
    "BT-3": "/Invoice/cbc:InvoiceTypeCode",
    "BT-5": "/Invoice/cbc:DocumentCurrencyCode",
    "BT-6": "/Invoice/cbc:TaxCurrencyCode",
    "BT-7": "/Invoice/cbc:TaxPointDate",
    "BT-8": "/Invoice/cac:InvoicePeriod/cbc:DescriptionCode",
    "BT-9": "/Invoice/cbc:DueDate",
    "BT-10": "/Invoice/cbc:BuyerReference",
    "BT-11": "/Invoice/cac:ProjectReference/cbc:ID",
    "BT-12": "/Invoice/cac:ContractDocumentReference/cbc:ID",
    "BT-13": "/Invoice/cac:OrderReference/cbc:ID",
    "BT-14": "/Invoice/cac:OrderReference/cbc:SalesOrderID",
    "BT-15": "/Invoice/cac:ReceiptDocumentReference/cbc:ID",
    "BT-16": "/Invoice/cac:DespatchDocumentReference/cbc:ID",
    "BT-17": "/Invoice/cac:OriginatorDocumentReference/cbc:ID",
    "BT-18": "/Invoice/cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
    "BT-18-1": "/Invoice/cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID/@schemeID",
    "BT-19": "/Invoice/cbc:AccountingCost",
    "BT-20": "/Invoice/cac:PaymentTerms/cbc:Note",
    "BG-1": "/Invoice/cbc:Note",
    "BT-21": "/Invoice/cbc:Note",
    "BT-22": "/Invoice/cbc:Note",
    "BT-23": "/Invoice/cbc:ProfileID",
    "BT-24": "/Invoice/cbc:CustomizationID",
    "BG-3": "/Invoice/cac:BillingReference/cac:InvoiceDocumentReference",
    "BT-25": "/Invoice/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
    "BT-26": "/Invoice/cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate",
    "BG-4": "/Invoice/cac:AccountingSupplierParty/cac:Party",
    "BT-27": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
    "BT-28": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name",
    "BT-29": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "BT-29-1": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID/@schemeID",
    "BT-30": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
    "BT-30-1": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
    "BT-31": (
        "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
    ),
    "BT-32": (
        "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/cbc:CompanyID"
    ),
    "BT-33": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm",
    "BT-34": "/Invoice/cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
    "BT-34-1": "/Invoice/cac:AccountingSupplierParty/cac:Party/cbc:EndpointID/@schemeID",
    "BG-5": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
    "BT-35": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName",
    "BT-36": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:AdditionalStreetName",
    "BT-162": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:AddressLine/cbc:Line",
    "BT-37": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CityName",
    "BT-38": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone",
    "BT-39": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity",
    "BT-40": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    "BG-6": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:Contact",
    "BT-41": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Name",
    "BT-42": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Telephone",
    "BT-43": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:ElectronicMail",
    "BG-7": "/Invoice/cac:AccountingCustomerParty/cac:Party",
    "BT-44": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
    "BT-45": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name",
    "BT-46": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "BT-46-1": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID/@schemeID",
    "BT-47": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
    "BT-47-1": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
    "BT-48": (
        "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
    ),
    "BT-49": "/Invoice/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
    "BT-49-1": "/Invoice/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID",
    "BG-8": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
    "BT-50": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:StreetName",
    "BT-51": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:AdditionalStreetName",
    "BT-163": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:AddressLine/cbc:Line",
    "BT-52": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName",
    "BT-53": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:PostalZone",
    "BT-54": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity",
    "BT-55": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    "BG-9": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:Contact",
    "BT-56": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:Name",
    "BT-57": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:Telephone",
    "BT-58": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:ElectronicMail",
    "BG-10": "/Invoice/cac:PayeeParty",
    "BT-59": "/Invoice/cac:PayeeParty/cac:PartyName/cbc:Name",
    "BT-60": "/Invoice/cac:PayeeParty/cac:PartyIdentification/cbc:ID",
    "BT-60-1": "/Invoice/cac:PayeeParty/cac:PartyIdentification/cbc:ID/@schemeID",
    "BT-61": "/Invoice/cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID",
    "BT-61-1": "/Invoice/cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
    "BG-11": "/Invoice/cac:TaxRepresentativeParty",
    "BT-62": "/Invoice/cac:TaxRepresentativeParty/cac:PartyName/cbc:Name",
    "BT-63": "/Invoice/cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID",
    "BG-12": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress",
    "BT-64": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cbc:StreetName",
    "BT-65": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cbc:AdditionalStreetName",
    "BT-164": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cac:AddressLine/cbc:Line",
    "BT-66": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CityName",
    "BT-67": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cbc:PostalZone",
    "BT-68": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CountrySubentity",
    "BT-69": "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    "BG-13": "/Invoice/cac:Delivery",
    "BT-70": "/Invoice/cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name",
    "BT-71": "/Invoice/cac:Delivery/cac:DeliveryLocation/cbc:ID",
    "BT-71-1": "/Invoice/cac:Delivery/cac:DeliveryLocation/cbc:ID/@schemeID",
    "BT-72": "/Invoice/cac:Delivery/cbc:ActualDeliveryDate",
    "BG-15": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address",
    "BT-75": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:StreetName",
    "BT-76": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:AdditionalStreetName",
    "BT-165": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cac:AddressLine/cbc:Line",
    "BT-77": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CityName",
    "BT-78": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:PostalZone",
    "BT-79": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CountrySubentity",
    "BT-80": "/Invoice/cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode",
    "BG-14": "/Invoice/cac:InvoicePeriod",
    "BT-73": "/Invoice/cac:InvoicePeriod/cbc:StartDate",
    "BT-74": "/Invoice/cac:InvoicePeriod/cbc:EndDate",
    "BG-16": "/Invoice/cac:PaymentMeans",
    "BT-81": "/Invoice/cac:PaymentMeans/cbc:PaymentMeansCode",
    "BT-82": "/Invoice/cac:PaymentMeans/cbc:PaymentMeansCode/@name",
    "BT-83": "/Invoice/cac:PaymentMeans/cbc:PaymentID",
    "BG-17": "/Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount",
    "BT-84": "/Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID",
    "BT-85": "/Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name",
    "BT-86": "/Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID",
    "BG-18": "/Invoice/cac:PaymentMeans/cac:CardAccount",
    "BT-87": "/Invoice/cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID",
    "BT-88": "/Invoice/cac:PaymentMeans/cac:CardAccount/cbc:HolderName",
    "BG-19": "/Invoice/cac:PaymentMeans/cac:PaymentMandate",
    "BT-89": "/Invoice/cac:PaymentMeans/cac:PaymentMandate/cbc:ID",
    "BT-90": "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']",
    "BT-91": "/Invoice/cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID",
    "BG-20": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']",
    "BT-92": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount",
    "BT-93": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:BaseAmount",
    "BT-94": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:MultiplierFactorNumeric",
    "BT-95": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cac:TaxCategory/cbc:ID",
    "BT-96": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cac:TaxCategory/cbc:Percent",
    "BT-97": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:AllowanceChargeReason",
    "BT-98": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:AllowanceChargeReasonCode",
    "BG-21": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']",
    "BT-99": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:Amount",
    "BT-100": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:BaseAmount",
    "BT-101": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:MultiplierFactorNumeric",
    "BT-102": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cac:TaxCategory/cbc:ID",
    "BT-103": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cac:TaxCategory/cbc:Percent",
    "BT-104": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:AllowanceChargeReason",
    "BT-105": "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:AllowanceChargeReasonCode",
    "BG-22": "/Invoice/cac:LegalMonetaryTotal",
    "BT-106": "/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
    "BT-107": "/Invoice/cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount",
    "BT-108": "/Invoice/cac:LegalMonetaryTotal/cbc:ChargeTotalAmount",
    "BT-109": "/Invoice/cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "BT-110": "/Invoice/cac:TaxTotal/cbc:TaxAmount[@currencyID=/Invoice/cbc:DocumentCurrencyCode]",
    "BT-111": "/Invoice/cac:TaxTotal/cbc:TaxAmount[@currencyID=/Invoice/cbc:TaxCurrencyCode]",
    "BT-112": "/Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "BT-113": "/Invoice/cac:LegalMonetaryTotal/cbc:PrepaidAmount",
    "BT-114": "/Invoice/cac:LegalMonetaryTotal/cbc:PayableRoundingAmount",
    "BT-115": "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
    "BG-23": "/Invoice/cac:TaxTotal/cac:TaxSubtotal",
    "BT-116": "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
    "BT-117": "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
    "BT-118": "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
    "BT-119": "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent",
    "BT-120": "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason",
    "BT-121": "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode",
    "BG-24": "/Invoice/cac:AdditionalDocumentReference",
    "BT-122": "/Invoice/cac:AdditionalDocumentReference/cbc:ID",
    "BT-123": "/Invoice/cac:AdditionalDocumentReference/cbc:DocumentDescription",
    "BT-124": "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI",
    "BT-125": "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
    "BT-125-1": "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@mimeCode",
    "BT-125-2": "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename",
    "BG-25": "/Invoice/cac:InvoiceLine",
    # Line level: relative to one cac:InvoiceLine (xpath_for adds the line).
    "BT-126": "cbc:ID",
    "BT-127": "cbc:Note",
    "BT-128": "cac:DocumentReference/cbc:ID",
    "BT-128-1": "cac:DocumentReference/cbc:ID/@schemeID",
    "BT-129": "cbc:InvoicedQuantity",
    "BT-130": "cbc:InvoicedQuantity/@unitCode",
    "BT-131": "cbc:LineExtensionAmount",
    "BT-132": "cac:OrderLineReference/cbc:LineID",
    "BT-133": "cbc:AccountingCost",
    "BG-26": "cac:InvoicePeriod",
    "BT-134": "cac:InvoicePeriod/cbc:StartDate",
    "BT-135": "cac:InvoicePeriod/cbc:EndDate",
    "BG-27": "cac:AllowanceCharge[cbc:ChargeIndicator='false']",
    "BT-136": "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount",
    "BT-137": "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:BaseAmount",
    "BT-138": "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:MultiplierFactorNumeric",
    "BT-139": "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:AllowanceChargeReason",
    "BT-140": "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:AllowanceChargeReasonCode",
    "BG-28": "cac:AllowanceCharge[cbc:ChargeIndicator='true']",
    "BT-141": "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:Amount",
    "BT-142": "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:BaseAmount",
    "BT-143": "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:MultiplierFactorNumeric",
    "BT-144": "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:AllowanceChargeReason",
    "BT-145": "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:AllowanceChargeReasonCode",
    "BG-29": "cac:Price",
    "BT-146": "cac:Price/cbc:PriceAmount",
    "BT-147": "cac:Price/cac:AllowanceCharge/cbc:Amount",
    "BT-148": "cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
    "BT-149": "cac:Price/cbc:BaseQuantity",
    "BT-150": "cac:Price/cbc:BaseQuantity/@unitCode",
    "BG-30": "cac:Item/cac:ClassifiedTaxCategory",
    "BT-151": "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    "BT-152": "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent",
    "BG-31": "cac:Item",
    "BT-153": "cac:Item/cbc:Name",
    "BT-154": "cac:Item/cbc:Description",
    "BT-155": "cac:Item/cac:SellersItemIdentification/cbc:ID",
    "BT-156": "cac:Item/cac:BuyersItemIdentification/cbc:ID",
    "BT-157": "cac:Item/cac:StandardItemIdentification/cbc:ID",
    "BT-157-1": "cac:Item/cac:StandardItemIdentification/cbc:ID/@schemeID",
    "BT-158": "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
    "BT-158-1": "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listID",
    "BT-158-2": "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listVersionID",
    "BT-159": "cac:Item/cac:OriginCountry/cbc:IdentificationCode",
    "BG-32": "cac:Item/cac:AdditionalItemProperty",
    "BT-160": "cac:Item/cac:AdditionalItemProperty/cbc:Name",
    "BT-161": "cac:Item/cac:AdditionalItemProperty/cbc:Value",
}
CII_LINE = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
UBL_LINE = {"invoice": "/Invoice/cac:InvoiceLine", "creditnote": "/CreditNote/cac:CreditNoteLine"}


def xpath_for(syntax: str, bt: str, line: int | None = None) -> str | None:
    """The XPath of ``bt`` in ``syntax`` (``line`` is 0-based), or None when unknown."""
    table = CII_PATHS if syntax in ("cii", "facturx") else UBL_PATHS if syntax == "ubl" else {}
    path = table.get(bt)
    if path is None:
        return None
    if line is None:
        return path
    base = CII_LINE if syntax in ("cii", "facturx") else UBL_LINE["invoice"]
    return f"{base}[{line + 1}]/{path.lstrip('/')}"
