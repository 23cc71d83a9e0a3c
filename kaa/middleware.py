from kaa.access import memberships_of

SESSION_KEY = "active_municipality_id"


class ActiveMunicipalityMiddleware:
    """Sets `request.memberships` and `request.membership` (the active one).

    A user with several memberships switches in the header; everything shown is scoped
    to the active municipality.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = memberships_of(request.user)
        request.membership = None
        if request.memberships:
            wanted = request.session.get(SESSION_KEY)
            request.membership = next(
                (m for m in request.memberships if m.municipality_id == wanted),
                # No choice made yet (or that membership was removed): the first by name.
                request.memberships[0],
            )
        return self.get_response(request)
