"""Writers for the values shared by several documents, each in its DTD's element order."""

from __future__ import annotations

from cxml.models.common import (
    Address,
    Comments,
    Contact,
    Description,
    Distribution,
    Extrinsic,
    ItemDetail,
    ItemID,
    ItemOut,
    Money,
    Name,
    OrderReference,
    PaymentTerm,
    Phone,
    PostalAddress,
    Shipping,
    Tax,
    TaxDetail,
)
from cxml.writing._xml import Element, day, invalid, nmtoken, number, sub, when


def write_money(parent: Element, money: Money) -> Element:
    """``Money``."""
    return sub(parent, "Money", number(money.amount), currency=money.currency)


def write_wrapped_money(parent: Element, tag: str, money: Money | None) -> None:
    """``<tag><Money/></tag>`` when ``money`` is given (``Total``, ``UnitPrice`` …)."""
    if money is not None:
        write_money(sub(parent, tag), money)


def write_name(parent: Element, name: Name, tag: str = "Name") -> None:
    """``Name`` (or another text element with ``xml:lang``)."""
    sub(parent, tag, name.text, lang=name.lang)


def write_description(parent: Element, description: Description) -> None:
    """``Description`` with an optional ``ShortName``."""
    element = sub(parent, "Description", description.text, lang=description.lang)
    if description.short_name is not None:
        sub(element, "ShortName", description.short_name)


def write_extrinsics(parent: Element, extrinsics: tuple[Extrinsic, ...]) -> None:
    """``Extrinsic*``."""
    for extrinsic in extrinsics:
        sub(parent, "Extrinsic", extrinsic.value, name=extrinsic.name)


def write_comments(parent: Element, comments: Comments | None) -> None:
    """``Comments?`` with its attachments."""
    if comments is None:
        return
    element = sub(parent, "Comments", comments.text, lang=comments.lang)
    for url in comments.attachments:
        sub(sub(element, "Attachment"), "URL", url)


def write_postal_address(parent: Element, address: PostalAddress) -> None:
    """``PostalAddress``: DeliverTo*, Street+, City, State?, PostalCode?, Country."""
    if not address.streets:
        raise invalid("PostalAddress needs at least one street")
    element = sub(parent, "PostalAddress", name=address.name)
    for line in address.deliver_to:
        sub(element, "DeliverTo", line)
    for street in address.streets:
        sub(element, "Street", street)
    sub(element, "City", address.city)
    if address.state is not None:
        sub(element, "State", address.state)
    if address.postal_code is not None:
        sub(element, "PostalCode", address.postal_code)
    sub(element, "Country", address.country, isoCountryCode=address.iso_country_code)


def write_phone(parent: Element, phone: Phone) -> None:
    """``Phone/TelephoneNumber``."""
    number_element = sub(sub(parent, "Phone", name=phone.name), "TelephoneNumber")
    sub(number_element, "CountryCode", phone.country_code, isoCountryCode=phone.iso_country_code)
    sub(number_element, "AreaOrCityCode", phone.area_code)
    sub(number_element, "Number", phone.number)
    if phone.extension is not None:
        sub(number_element, "Extension", phone.extension)


def write_address(parent: Element, tag: str, address: Address | None) -> None:
    """``<tag><Address>…</Address></tag>`` (``ShipTo``, ``BillTo``) when given."""
    if address is None:
        return
    element = sub(
        sub(parent, tag),
        "Address",
        isoCountryCode=address.iso_country_code,
        addressID=address.address_id,
    )
    write_name(element, address.name)
    if address.postal_address is not None:
        write_postal_address(element, address.postal_address)
    if address.email is not None:
        sub(element, "Email", address.email.address, name=address.email.name)
    if address.phone is not None:
        write_phone(element, address.phone)


def write_contact(parent: Element, contact: Contact) -> None:
    """``Contact``: Name, PostalAddress*, Email*, Phone*."""
    element = sub(
        parent,
        "Contact",
        role=nmtoken(contact.role, "Contact role"),
        addressID=contact.address_id,
    )
    write_name(element, contact.name)
    for postal in contact.postal_addresses:
        write_postal_address(element, postal)
    for email in contact.emails:
        sub(element, "Email", email.address, name=email.name)
    for phone in contact.phones:
        write_phone(element, phone)


def write_item_id(parent: Element, item_id: ItemID) -> None:
    """``ItemID``."""
    element = sub(parent, "ItemID")
    sub(element, "SupplierPartID", item_id.supplier_part_id)
    if item_id.supplier_part_auxiliary_id is not None:
        sub(element, "SupplierPartAuxiliaryID", item_id.supplier_part_auxiliary_id)


def write_item_detail(parent: Element, detail: ItemDetail) -> None:
    """``ItemDetail`` (Description+ and Classification+ are required by the DTD)."""
    if not detail.descriptions:
        raise invalid("ItemDetail needs at least one Description")
    if not detail.classifications:
        raise invalid("ItemDetail needs at least one Classification (UNSPSC for Coupa)")
    element = sub(parent, "ItemDetail")
    write_wrapped_money(element, "UnitPrice", detail.unit_price)
    for description in detail.descriptions:
        write_description(element, description)
    sub(element, "UnitOfMeasure", detail.unit_of_measure)
    for classification in detail.classifications:
        sub(element, "Classification", classification.value, domain=classification.domain)
    for tag, value in (
        ("ManufacturerPartID", detail.manufacturer_part_id),
        ("ManufacturerName", detail.manufacturer_name),
        ("URL", detail.url),
    ):
        if value is not None:
            sub(element, tag, value)
    if detail.lead_time is not None:
        sub(element, "LeadTime", str(detail.lead_time))
    write_extrinsics(element, detail.extrinsics)


def write_shipping(parent: Element, shipping: Shipping | None) -> None:
    """``Shipping?``."""
    if shipping is not None:
        element = sub(parent, "Shipping")
        write_money(element, shipping.money)
        write_description(element, shipping.description)


def write_tax_detail(parent: Element, detail: TaxDetail) -> None:
    """``TaxDetail``: TaxableAmount?, TaxAmount, TaxLocation?, Description?."""
    rate = detail.percentage_rate
    element = sub(
        parent,
        "TaxDetail",
        purpose=detail.purpose,
        category=detail.category,
        percentageRate=number(rate) if rate is not None else None,
    )
    write_wrapped_money(element, "TaxableAmount", detail.taxable_amount)
    write_wrapped_money(element, "TaxAmount", detail.tax_amount)
    if detail.location is not None:
        write_name(element, detail.location, "TaxLocation")
    if detail.description is not None:
        write_description(element, detail.description)


def write_tax(parent: Element, tax: Tax | None) -> None:
    """``Tax?``: Money, Description, TaxDetail*."""
    if tax is None:
        return
    element = sub(parent, "Tax")
    write_money(element, tax.money)
    write_description(element, tax.description)
    for detail in tax.details:
        write_tax_detail(element, detail)


def write_payment_terms(parent: Element, terms: tuple[PaymentTerm, ...]) -> None:
    """``PaymentTerm*``."""
    for term in terms:
        sub(parent, "PaymentTerm", payInNumberOfDays=str(term.pay_in_number_of_days))


def write_distribution(parent: Element, distribution: Distribution) -> None:
    """``Distribution``: Accounting (Segment+) and Charge."""
    if not distribution.accounting.segments:
        raise invalid("Accounting needs at least one Segment")
    element = sub(parent, "Distribution")
    accounting = sub(element, "Accounting", name=distribution.accounting.name)
    for segment in distribution.accounting.segments:
        sub(
            accounting,
            "Segment",
            type=segment.type,
            id=segment.id,
            description=segment.description,
        )
    write_wrapped_money(element, "Charge", distribution.charge)


def write_document_reference(parent: Element, payload_id: str | None) -> None:
    """``DocumentReference?``."""
    if payload_id is not None:
        sub(parent, "DocumentReference", payloadID=payload_id)


def write_order_reference(parent: Element, reference: OrderReference) -> None:
    """``OrderReference`` with its ``DocumentReference``."""
    element = sub(
        parent,
        "OrderReference",
        orderID=reference.order_id,
        orderDate=when(reference.order_date) if reference.order_date is not None else None,
    )
    sub(element, "DocumentReference", payloadID=reference.document_payload_id)


def write_item_out(parent: Element, item: ItemOut) -> None:
    """``ItemOut``: ItemID, ItemDetail?, ShipTo?, Shipping?, Tax?, Distribution*, Contact*,
    Comments?."""
    delivery = item.requested_delivery_date
    element = sub(
        parent,
        "ItemOut",
        quantity=number(item.quantity),
        lineNumber=str(item.line_number) if item.line_number is not None else None,
        requestedDeliveryDate=day(delivery) if delivery is not None else None,
    )
    write_item_id(element, item.item_id)
    if item.item_detail is not None:
        write_item_detail(element, item.item_detail)
    write_address(element, "ShipTo", item.ship_to)
    write_shipping(element, item.shipping)
    write_tax(element, item.tax)
    for distribution in item.distributions:
        write_distribution(element, distribution)
    for contact in item.contacts:
        write_contact(element, contact)
    write_comments(element, item.comments)
