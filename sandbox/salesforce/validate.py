"""Write validation with Salesforce's error codes.

Kept apart from the store so the rules read like the API documentation: unknown
field, read-only field, bad value, dangling lookup, missing required field, duplicate
external id.
"""

from .errors import SalesforceError
from .ids import to18

_READ_ONLY_MSG = (
    "Unable to create/update fields: {names}. Please check the security settings of "
    "this field and verify that it is read/write for your profile or permission set."
)


def clean_values(store, stype, values, creating):
    """Map body keys to canonical field names and coerce their values."""
    if not isinstance(values, dict):
        raise SalesforceError("JSON_PARSER_ERROR", "Request body must be a JSON object")
    clean, read_only = {}, []
    for key, value in values.items():
        if key == "attributes":
            continue
        field = stype.field(key)
        if field is None:
            raise SalesforceError(
                "INVALID_FIELD",
                f"No such column '{key}' on sobject of type {stype.name}",
                fields=[key],
            )
        if field.name == "Id" and not creating:
            continue
        allowed = field.createable if creating else field.updateable
        if not allowed:
            read_only.append(field.name)
            continue
        clean[field.name] = field.coerce(value)
        if field.type == "reference" and clean[field.name]:
            check_reference(store, field, clean[field.name])
    if read_only:
        raise SalesforceError(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            _READ_ONLY_MSG.format(names=", ".join(read_only)),
            fields=read_only,
        )
    return clean


def check_reference(store, field, rid):
    target = store.schema.types.get(field.reference_to)
    if target is None:
        return
    if not rid.startswith(target.key_prefix):
        raise SalesforceError(
            "FIELD_INTEGRITY_EXCEPTION",
            f"{field.name}: id value of incorrect type: {rid}",
            fields=[field.name],
        )
    if store.lookup(target.name, to18(rid)) is None:
        raise SalesforceError(
            "INVALID_CROSS_REFERENCE_KEY",
            f"invalid cross reference id: {rid}",
            fields=[field.name],
        )


def check_required(stype, rec):
    missing = [
        f.name
        for f in stype.fields.values()
        if f.required and rec.get(f.name) in (None, "")
    ]
    if missing:
        raise SalesforceError(
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            fields=missing,
        )


def check_unique(store, stype, rec):
    table = store.tables[stype.name]
    for field in stype.fields.values():
        if not field.unique or rec.get(field.name) is None:
            continue
        clash = [i for i in table.find_ext(field, rec[field.name]) if i != rec["Id"]]
        clash = [i for i in clash if not table.records[i]["IsDeleted"]]
        if clash:
            raise SalesforceError(
                "DUPLICATE_VALUE",
                f"duplicate value found: {field.name} duplicates value on record "
                f"with id: {clash[0]}",
                fields=[field.name],
            )
