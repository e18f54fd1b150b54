"""Reads about who may sign (签发) for an organization on a day."""

from __future__ import annotations

import datetime

from responsibilities.models import Organization, RoleAssignment
from responsibilities.org.selectors import holder_on


def signer_for(organization: Organization, day: datetime.date):
    """Who may sign for `organization` on `day`: the 第一责任人 then, by the role history."""
    return holder_on(organization, RoleAssignment.Role.SECRETARY, day)
