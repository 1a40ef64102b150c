from .rules import is_organiser


def roles(request):
    """Role flags for the navigation; computed lazily so pages that do not show them pay nothing."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"is_organiser": lambda: is_organiser(user)}
