"""Readers for the values shared by several documents (money, addresses, items …)."""

from __future__ import annotations

from decimal import Decimal

from cxml.models.common import (
    Accounting,
    Address,
    Classification,
    Comments,
    Contact,
    Description,
    Distribution,
    Email,
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
    Segment,
    Shipping,
    Tax,
    TaxDetail,
)
from cxml.reading._fast import constructor, remember
from cxml.reading._xml import (
    DEFAULT_LANG,
    XML_LANG,
    Children,
    Element,
    attr,
    child_text,
    children,
    decimal,
    fail,
    first,
    integer,
    lang,
    opt_attr,
    opt_date_attr,
    opt_datetime_attr,
    opt_lang,
    parse_number,
    required,
    tag_name,
    text,
)

_money = constructor(Money)
_description = constructor(Description)
_extrinsic = constructor(Extrinsic)
_item_id = constructor(ItemID)
_classification = constructor(Classification)
_item_detail = constructor(ItemDetail)
_segment = constructor(Segment)
_distribution = constructor(Distribution)
_accounting = constructor(Accounting)
_item_out = constructor(ItemOut)
_name = constructor(Name)
_email = constructor(Email)
_phone = constructor(Phone)
_postal_address = constructor(PostalAddress)
_address = constructor(Address)
_contact = constructor(Contact)
_order_reference = constructor(OrderReference)

# Values that repeat across lines and documents (currencies and amounts, UNSPSC codes,
# LineType extrinsics, accounting segments) are read once and shared: the models are
# immutable, so one instance serves every reader, as interned strings do.
_MONEY: dict[tuple[str, str | None], Money] = {}
_EXTRINSICS: dict[tuple[str | None, str | None], Extrinsic] = {}
_CLASSIFICATIONS: dict[tuple[str | None, str | None], Classification] = {}
_ACCOUNTINGS: dict[tuple[str | tuple[str, str, str] | None, ...], Accounting] = {}
# Descriptions that repeat are short ("Sales tax"); a line's own text is longer and read anew.
_SHORT_TEXT = 32
_SHORT_DESCRIPTIONS: dict[tuple[str, str | None], Description] = {}
_tax = constructor(Tax)
_tax_detail = constructor(TaxDetail)


def read_money(element: Element) -> Money:
    """``Money`` (shared instances for repeated amounts: models are immutable)."""
    raw = element.text or ""
    currency = element.get("currency")
    key = (raw, currency)
    money = _MONEY.get(key)
    if money is not None:
        return money
    amount = parse_number(raw)
    if amount is None:
        fail(element, f"Money amount is not a number in range: {raw.strip()[:40]!r}")
    if not currency or not currency.strip():
        fail(element, "Money lacks the required currency attribute")
    return remember(_MONEY, key, _money(amount, currency.strip()))


def read_wrapped_money(element: Element) -> Money:
    """An element whose only child is ``Money`` (``Total``, ``UnitPrice``, ``SubtotalAmount`` …)."""
    try:
        child: Element | None = element[0]  # Money is the only child the DTD allows
    except IndexError:
        child = None
    if child is not None and child.tag != "Money":
        child = next((c for c in element if c.tag == "Money"), None)
    if child is not None:
        money = _MONEY.get((child.text or "", child.get("currency")))
        return money if money is not None else read_money(child)
    fail(element, f"{tag_name(element)} lacks the required Money element")


def opt_wrapped_money(kids: Children, tag: str) -> Money | None:
    """``read_wrapped_money`` of an optional child."""
    element = first(kids, tag)
    return None if element is None else read_wrapped_money(element)


def read_name(element: Element) -> Name:
    """``Name`` (or any text element with ``xml:lang``)."""
    return _name(text(element), lang(element))


def read_description(element: Element) -> Description:
    """``Description``: its own text, apart from an optional ``ShortName``."""
    raw_language = element.get(XML_LANG)
    if not len(element):
        raw = element.text or ""
        if len(raw) <= _SHORT_TEXT:  # a tax name or a unit: these repeat line after line
            key = (raw, raw_language)
            known = _SHORT_DESCRIPTIONS.get(key)
            if known is None:
                known = remember(
                    _SHORT_DESCRIPTIONS, key, _description(raw.strip(), _lang(raw_language), None)
                )
            return known
        return _description(raw.strip(), _lang(raw_language), None)
    language = _lang(raw_language)
    parts = [element.text or ""]
    short_name: str | None = None
    for child in element.getchildren():
        if child.tag == "ShortName":
            short_name = text(child) or None
        parts.append(child.tail or "")
    return _description("".join(parts).strip(), language, short_name)


def _lang(raw: str | None) -> str:
    return (raw.strip() or DEFAULT_LANG) if raw else DEFAULT_LANG


def read_extrinsics(kids: Children) -> tuple[Extrinsic, ...]:
    """Every ``Extrinsic`` child."""
    return tuple(read_extrinsic(e) for e in kids.get("Extrinsic", ()))


def read_extrinsic(element: Element) -> Extrinsic:
    """``Extrinsic``: its name and all the text inside."""
    name = element.get("name")
    key = (name, element.text)
    extrinsic = _EXTRINSICS.get(key) if not len(element) else None
    if extrinsic is not None:
        return extrinsic
    if not name or not name.strip():
        fail(element, "Extrinsic lacks the required name attribute")
    return remember(_EXTRINSICS, key, _extrinsic(name.strip(), text(element)))


def read_comments(kids: Children) -> Comments | None:
    """The ``Comments`` children, joined into one (newer DTDs allow several)."""
    return read_comment_elements(kids.get("Comments"))


def read_comment_elements(elements: list[Element] | None) -> Comments | None:
    """``Comments`` elements, joined into one."""
    if not elements:
        return None
    texts: list[str] = []
    attachments: list[str] = []
    for element in elements:
        parts = [element.text or ""]
        for child in element.getchildren():
            if child.tag == "Attachment":
                url = child_text(children(child), "URL")
                if url:
                    attachments.append(url)
            parts.append(child.tail or "")
        texts.append("".join(parts).strip())
    return Comments("\n".join(t for t in texts if t), opt_lang(elements[0]), tuple(attachments))


def read_email(element: Element) -> Email:
    """``Email``."""
    return _email(text(element), opt_attr(element, "name"))


def read_phone(element: Element) -> Phone:
    """``Phone`` with its ``TelephoneNumber``."""
    number = required(element, children(element), "TelephoneNumber")
    kids = children(number)
    country = first(kids, "CountryCode")
    return _phone(
        number=child_text(kids, "Number") or "",
        area_code=child_text(kids, "AreaOrCityCode") or "",
        country_code=text(country) if country is not None else "",
        iso_country_code=(opt_attr(country, "isoCountryCode") if country is not None else None)
        or "US",
        extension=child_text(kids, "Extension"),
        name=opt_attr(element, "name"),
    )


def read_postal_address(element: Element) -> PostalAddress:
    """``PostalAddress``."""
    streets: list[str] = []
    deliver_to: list[str] = []
    values: dict[str, str] = {}
    country: Element | None = None
    for child in element.getchildren():
        tag: str = child.tag  # type: ignore[assignment]  # parsed trees have str tags
        if tag == "Street":
            streets.append(text(child))
        elif tag == "DeliverTo":
            deliver_to.append(text(child))
        elif tag == "Country":
            country = child
        elif tag not in values:
            values[tag] = text(child)
    if country is None:
        fail(element, "PostalAddress lacks the required Country element")
    return _postal_address(
        streets=tuple(streets),
        city=values.get("City", ""),
        country=text(country),
        iso_country_code=opt_attr(country, "isoCountryCode") or "",
        deliver_to=tuple(deliver_to),
        state=values.get("State") or None,
        postal_code=values.get("PostalCode") or None,
        name=opt_attr(element, "name"),
    )


def read_address(element: Element) -> Address:
    """``Address``."""
    name = postal = email = phone = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "Name":
            name = read_name(child)
        elif tag == "PostalAddress":
            postal = read_postal_address(child)
        elif tag == "Email":
            email = read_email(child)
        elif tag == "Phone":
            phone = read_phone(child)
    if name is None:
        fail(element, "Address lacks the required Name element")
    return _address(
        name=name,
        address_id=opt_attr(element, "addressID"),
        iso_country_code=opt_attr(element, "isoCountryCode"),
        postal_address=postal,
        email=email,
        phone=phone,
    )


def read_wrapped_address(element: Element) -> Address:
    """``ShipTo`` or ``BillTo``: the ``Address`` inside."""
    return read_address(required(element, children(element), "Address"))


def opt_wrapped_address(kids: Children, tag: str) -> Address | None:
    """``read_wrapped_address`` of an optional child."""
    element = first(kids, tag)
    return None if element is None else read_wrapped_address(element)


def read_contact(element: Element) -> Contact:
    """``Contact``."""
    name: Name | None = None
    postal: list[PostalAddress] = []
    emails: list[Email] = []
    phones: list[Phone] = []
    for child in element.getchildren():
        tag = child.tag
        if tag == "Name":
            name = read_name(child)
        elif tag == "PostalAddress":
            postal.append(read_postal_address(child))
        elif tag == "Email":
            emails.append(read_email(child))
        elif tag == "Phone":
            phones.append(read_phone(child))
    if name is None:
        fail(element, "Contact lacks the required Name element")
    return _contact(
        name=name,
        role=opt_attr(element, "role"),
        address_id=opt_attr(element, "addressID"),
        postal_addresses=tuple(postal),
        emails=tuple(emails),
        phones=tuple(phones),
    )


def read_item_id(element: Element) -> ItemID:
    """``ItemID``: the part number, and the auxiliary id kept exactly as sent."""
    part: str | None = None
    auxiliary: str | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "SupplierPartID":
            part = (child.text or "").strip() if not len(child) else text(child)
        elif tag == "SupplierPartAuxiliaryID":
            auxiliary = ((child.text or "").strip() if not len(child) else text(child)) or None
    if not part:
        fail(element, "ItemID lacks the required SupplierPartID")
    return _item_id(part, auxiliary)


def read_classification(element: Element) -> Classification:
    """``Classification``: a code in a domain."""
    domain = element.get("domain")
    key = (domain, element.text)
    classification = _CLASSIFICATIONS.get(key)
    if classification is not None:
        return classification
    if not domain or not domain.strip():
        fail(element, "Classification lacks the required domain attribute")
    return remember(
        _CLASSIFICATIONS, key, _classification(domain.strip(), (element.text or "").strip())
    )


def read_item_detail(element: Element) -> ItemDetail:
    """``ItemDetail``."""
    unit_price: Money | None = None
    unit_of_measure: str | None = None
    descriptions: list[Description] = []
    classifications: list[Classification] = []
    extrinsics: list[Extrinsic] = []
    optional: dict[str, str | None] | None = None
    lead_time: int | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "UnitPrice":
            unit_price = read_wrapped_money(child)
        elif tag == "Description":
            descriptions.append(read_description(child))
        elif tag == "UnitOfMeasure":
            unit_of_measure = (child.text or "").strip()
        elif tag == "Classification":
            known = _CLASSIFICATIONS.get((child.get("domain"), child.text))
            classifications.append(known or read_classification(child))
        elif tag == "Extrinsic":
            known_extrinsic = _EXTRINSICS.get((child.get("name"), child.text))
            extrinsics.append(known_extrinsic or read_extrinsic(child))
        elif tag == "LeadTime":
            lead_time = integer(child, child.text, "value")
        elif tag in _ITEM_DETAIL_TEXTS:
            optional = optional or {}
            optional[tag] = text(child) or None
    if unit_price is None:
        fail(element, "ItemDetail lacks the required UnitPrice element")
    if unit_of_measure is None:
        fail(element, "ItemDetail lacks the required UnitOfMeasure element")
    more = optional or _NOTHING
    return _item_detail(
        unit_price,
        tuple(descriptions),
        unit_of_measure,
        tuple(classifications),
        more.get("ManufacturerPartID"),
        more.get("ManufacturerName"),
        more.get("URL"),
        lead_time,
        tuple(extrinsics),
    )


_ITEM_DETAIL_TEXTS = frozenset(("ManufacturerPartID", "ManufacturerName", "URL"))
_NOTHING: dict[str, str | None] = {}


def read_shipping(element: Element) -> Shipping:
    """``Shipping``: money and description."""
    kids = children(element)
    description = first(kids, "Description")
    return Shipping(
        read_money(required(element, kids, "Money")),
        read_description(description) if description is not None else Description(""),
    )


def read_tax_detail(element: Element) -> TaxDetail:
    """``TaxDetail``."""
    taxable: Money | None = None
    amount: Money | None = None
    location: Name | None = None
    description: Description | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "TaxAmount":
            amount = read_wrapped_money(child)
        elif tag == "TaxableAmount":
            taxable = read_wrapped_money(child)
        elif tag == "TaxLocation":
            location = read_name(child)
        elif tag == "Description":
            description = read_description(child)
    if amount is None:
        fail(element, "TaxDetail lacks the required TaxAmount element")
    get = element.get
    category = get("category")
    if not category:
        fail(element, "TaxDetail lacks the required category attribute")
    rate = get("percentageRate")
    return _tax_detail(
        category,
        amount,
        taxable,
        None if rate is None else _rate(element, rate),
        get("purpose"),
        location,
        description,
    )


def _rate(element: Element, raw: str) -> Decimal:
    rate = parse_number(raw)
    return rate if rate is not None else decimal(element, raw, "percentageRate")


def read_tax(element: Element) -> Tax:
    """``Tax``: money, description and details."""
    money: Money | None = None
    description: Description | None = None
    details: list[TaxDetail] = []
    for child in element.getchildren():
        tag = child.tag
        if tag == "Money":
            money = _MONEY.get((child.text or "", child.get("currency"))) or read_money(child)
        elif tag == "Description":
            description = read_description(child)
        elif tag == "TaxDetail":
            details.append(read_tax_detail(child))
    if money is None:
        fail(element, "Tax lacks the required Money element")
    return _tax(money, description or _EMPTY_DESCRIPTION, tuple(details))


_EMPTY_DESCRIPTION = Description("")


def opt_shipping(kids: Children) -> Shipping | None:
    """An optional ``Shipping`` child."""
    element = first(kids, "Shipping")
    return None if element is None else read_shipping(element)


def opt_tax(kids: Children) -> Tax | None:
    """An optional ``Tax`` child."""
    element = first(kids, "Tax")
    return None if element is None else read_tax(element)


def read_payment_terms(kids: Children) -> tuple[PaymentTerm, ...]:
    """Every ``PaymentTerm`` child."""
    return tuple(
        PaymentTerm(integer(p, attr(p, "payInNumberOfDays"), "payInNumberOfDays"))
        for p in kids.get("PaymentTerm", ())
    )


def read_distribution(element: Element) -> Distribution:
    """``Distribution``: accounting segments (old ``Segment`` or newer ``AccountingSegment``)."""
    accounting: Accounting | None = None
    charge: Money | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "Accounting":
            accounting = read_accounting(child)
        elif tag == "Charge":
            charge = read_wrapped_money(child)
    if accounting is None:
        fail(element, "Distribution lacks the required Accounting element")
    if charge is None:
        fail(element, "Distribution lacks the required Charge element")
    return _distribution(accounting, charge)


def read_accounting(element: Element) -> Accounting:
    """``Accounting``: a name and its segments (shared instances when they repeat)."""
    # Accountings repeat line after line (one cost center for a whole PO): the values are
    # read, and equal values give the shared instance instead of new segments.
    values: list[tuple[str, str, str]] = []
    for segment in element.getchildren():
        tag = segment.tag
        if tag == "Segment":
            get = segment.get
            segment_type, segment_id = get("type"), get("id")
            if segment_type is None or segment_id is None:
                fail(segment, "Segment lacks the required type or id attribute")
            values.append((segment_type, segment_id, get("description", "")))
        elif tag == "AccountingSegment":
            segment_kids = children(segment)
            description = first(segment_kids, "Description")
            values.append(
                (
                    child_text(segment_kids, "Name") or "",
                    attr(segment, "id"),
                    read_description(description).text if description is not None else "",
                )
            )
    key = (element.get("name"), *values)
    cached = _ACCOUNTINGS.get(key)
    if cached is not None:
        return cached
    if not values:
        fail(element, "Accounting has no Segment")
    segments = tuple([_segment(*value) for value in values])
    return remember(_ACCOUNTINGS, key, _accounting(attr(element, "name"), segments))


def read_document_reference(kids: Children) -> str | None:
    """The payloadID of an optional ``DocumentReference`` child."""
    element = first(kids, "DocumentReference")
    return None if element is None else attr(element, "payloadID")


def read_order_reference(element: Element) -> OrderReference:
    """``OrderReference``."""
    kids = children(element)
    return _order_reference(
        document_payload_id=attr(required(element, kids, "DocumentReference"), "payloadID"),
        order_id=opt_attr(element, "orderID"),
        order_date=opt_datetime_attr(element, "orderDate"),
    )


def read_quantity(element: Element) -> Decimal:
    """The required ``quantity`` attribute of a line."""
    raw = element.get("quantity")
    if raw is None:
        fail(element, f"{tag_name(element)} lacks the required quantity attribute")
    number = parse_number(raw)
    return number if number is not None else decimal(element, raw, "quantity")


def read_item_out(element: Element) -> ItemOut:
    """``ItemOut``."""
    item_id: ItemID | None = None
    detail: ItemDetail | None = None
    ship_to: Address | None = None
    shipping: Shipping | None = None
    tax: Tax | None = None
    distributions: list[Distribution] = []
    contacts: list[Contact] = []
    comments: list[Element] = []
    for child in element.getchildren():
        tag = child.tag
        if tag == "ItemID":
            item_id = read_item_id(child)
        elif tag == "ItemDetail":
            detail = read_item_detail(child)
        elif tag == "Distribution":
            distributions.append(read_distribution(child))
        elif tag == "ShipTo":
            ship_to = read_wrapped_address(child)
        elif tag == "Shipping":
            shipping = read_shipping(child)
        elif tag == "Tax":
            tax = read_tax(child)
        elif tag == "Contact":
            contacts.append(read_contact(child))
        elif tag == "Comments":
            comments.append(child)
    if item_id is None:
        fail(element, f"{tag_name(element)} lacks the required ItemID element")
    get = element.get
    line_number = get("lineNumber")
    delivery = get("requestedDeliveryDate")
    return _item_out(
        read_quantity(element),
        item_id,
        None if line_number is None else integer(element, line_number, "lineNumber"),
        None if delivery is None else opt_date_attr(element, "requestedDeliveryDate"),
        detail,
        ship_to,
        shipping,
        tax,
        tuple(distributions),
        tuple(contacts),
        read_comment_elements(comments) if comments else None,
    )
