"""List handlers: cursor pagination plus per-resource equality filters."""

from . import params as P


def lister(kind, path, filters, default=None):
    """A list handler; ``filters`` maps a param to ``value -> predicate``.

    ``default`` is a predicate applied when no ``status`` is given (Stripe hides
    canceled subscriptions unless ``status`` is passed).
    """

    def list_(state, params, request):
        P.check(params, P.LIST_PARAMS | set(filters))
        tests = [
            filters[name](value)
            for name, value in params.items()
            if name in filters and value not in (None, "")
        ]
        if default and not params.get("status"):
            tests.append(default)
        tests = [test for test in tests if test is not None]
        match = (lambda obj: all(test(obj) for test in tests)) if tests else None
        return state.store.page(kind, params, path, match)

    return list_


def eq(field):
    return lambda value: lambda obj: obj.get(field) == value


def eq_bool(field):
    return lambda value: lambda obj: obj.get(field) == (str(value).lower() == "true")
