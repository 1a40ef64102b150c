def jury_roles(request):
    """Whether to show the jury link; computed lazily, so pages that do not draw the menu pay nothing."""
    user = getattr(request, "user", None)
    if user is None:
        return {}

    def is_juror() -> bool:
        from .selectors import user_is_seated_juror

        return user_is_seated_juror(user=user)

    return {"is_juror": is_juror}
