"""A minimal ZUGFeRD 1.0 invoice (2014, pre-EN 16931): the CrossIndustryDocument pdp refuses with a clear finding."""

from __future__ import annotations

from tests.invoices.pdf.pdfgen import writer, written

ZUGFERD1_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>F-2014-0001</ram:ID>
    <ram:Name>RECHNUNG</ram:Name>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20140301</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction/>
</rsm:CrossIndustryDocument>
"""


def zugferd1_pdf() -> bytes:
    """A one-page PDF with the ZUGFeRD 1.0 XML attached under its 1.0 name, as ZUGFeRD 1.0 writers attach it."""
    pdf = writer()
    pdf.add_attachment("ZUGFeRD-invoice.xml", ZUGFERD1_XML)
    return written(pdf)
