"""VPC links (REST API, v1): the private connection from API Gateway to a Network Load Balancer.

``VpcLink`` has the shape ``aws apigateway create-vpc-link`` and ``get-vpc-link`` print.
A new link is PENDING; API Gateway then makes it AVAILABLE, or FAILED with a
``statusMessage`` (for instance when its load balancer already serves another VPC endpoint
service). ``VpcLinkRegistry`` keeps the links of one local gateway, settles pending links on
demand (the real service takes 2-4 minutes) and resolves an integration's ``connectionId``,
which may be a ``${stageVariables.name}`` reference, to the link a request would use.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from vtl.errors import VTLError

from . import model_rules as rules
from .model_rules import Problem

VPC_LINK_STATUSES = ("AVAILABLE", "PENDING", "DELETING", "FAILED")
# statusMessage API Gateway gives a link whose load balancer is already in use (developer guide).
NLB_ALREADY_ASSOCIATED = "NLB is already associated with another VPC Endpoint Service"
_FIELDS = frozenset({"id", "name", "description", "targetArns", "status", "statusMessage", "tags", "_links"})


class VpcLinkError(VTLError):
    """A VPC link cannot be found or used. ``kind`` is the AWS error type
    (NotFoundException, BadRequestException)."""

    def __init__(self, message: str, kind: str = "BadRequestException"):
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class VpcLink:
    id: str
    name: str
    target_arns: tuple[str, ...]
    status: str = "PENDING"
    status_message: str | None = None
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_arns", tuple(self.target_arns))
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))

    @property
    def is_available(self) -> bool:
        return self.status == "AVAILABLE"

    def problems(self) -> list[Problem]:
        problems = []
        if not isinstance(self.id, str) or not rules.VPC_LINK_ID.fullmatch(self.id):
            problems.append(Problem("id", f"{self.id!r} is not a VPC link id (letters and digits, such as gim7c3)"))
        problems += _name_and_target_problems(self.name, self.target_arns)
        if self.status not in VPC_LINK_STATUSES:
            problems.append(Problem("status", f"{self.status!r} is not one of {', '.join(VPC_LINK_STATUSES)}"))
        return problems

    @classmethod
    def from_aws_json(cls, data: Mapping[str, Any]) -> VpcLink:
        """Read what create-vpc-link or get-vpc-link prints."""
        if not isinstance(data, Mapping):
            rules.raise_if_any([Problem("", f"a VPC link must be a JSON object, not {rules.json_type(data)}")],
                               "VPC link")
        problems = [Problem(key, "is not a field of a VPC link") for key in data if key not in _FIELDS]
        link = cls(id=data.get("id"), name=data.get("name"), target_arns=data.get("targetArns") or (),
                   status=data.get("status") or "PENDING", status_message=data.get("statusMessage"),
                   description=data.get("description"), tags=data.get("tags") or {})
        rules.raise_if_any(problems + link.problems(), "VPC link")
        return link

    def to_aws_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            data["description"] = self.description
        data["targetArns"] = list(self.target_arns)
        data["status"] = self.status
        if self.status_message is not None:
            data["statusMessage"] = self.status_message
        if self.tags:
            data["tags"] = dict(self.tags)
        return data


def _name_and_target_problems(name: object, target_arns: Iterable[object]) -> list[Problem]:
    problems = []
    if not isinstance(name, str) or not name:
        problems.append(Problem("name", "is required: a VPC link needs a name"))
    target_arns = list(target_arns)
    if not target_arns:
        problems.append(Problem("targetArns", "is required: the ARN of the Network Load Balancer the link reaches"))
    for index, arn in enumerate(target_arns):
        if not isinstance(arn, str) or not rules.NETWORK_LOAD_BALANCER_ARN.fullmatch(arn):
            problems.append(Problem(f"targetArns[{index}]", f"{arn!r} is not the ARN of a Network Load Balancer "
                                                            f"(arn:aws:elasticloadbalancing:REGION:ACCOUNT:"
                                                            f"loadbalancer/net/NAME/ID)"))
    return problems


class VpcLinkRegistry:
    """The VPC links of one local gateway, by id, in creation order."""

    def __init__(self, links: Iterable[VpcLink] = ()):
        self._links: dict[str, VpcLink] = {}
        for link in links:
            self.add(link)

    def __iter__(self) -> Iterator[VpcLink]:
        return iter(list(self._links.values()))

    def __len__(self) -> int:
        return len(self._links)

    def __contains__(self, link_id: object) -> bool:
        return link_id in self._links

    def add(self, link: VpcLink) -> VpcLink:
        """Register an existing link (e.g. read from get-vpc-link output)."""
        rules.raise_if_any(link.problems(), "VPC link")
        self._links[link.id] = link
        return link

    def create(self, name: str, target_arns: Iterable[str], *, description: str | None = None,
               tags: Mapping[str, str] | None = None, link_id: str | None = None) -> VpcLink:
        """create-vpc-link: the new link is PENDING until ``settle``."""
        target_arns = tuple(target_arns or ())
        rules.raise_if_any(_name_and_target_problems(name, target_arns), "create-vpc-link input")
        link_id = link_id or self._new_id()
        if link_id in self._links:
            raise VpcLinkError(f'VPC link ID "{link_id}" already exists', "ConflictException")
        return self.add(VpcLink(link_id, name, target_arns, "PENDING", description=description, tags=tags or {}))

    def create_from_input(self, data: Mapping[str, Any]) -> VpcLink:
        """create-vpc-link --cli-input-json: name, targetArns, description, tags."""
        known = ("name", "targetArns", "description", "tags")
        unknown = [Problem(key, f'Unknown parameter in input: "{key}", must be one of: {", ".join(known)}')
                   for key in data if key not in known]
        rules.raise_if_any(unknown, "create-vpc-link input")
        return self.create(data.get("name"), data.get("targetArns") or (), description=data.get("description"),
                           tags=data.get("tags"))

    def get(self, link_id: str) -> VpcLink:
        try:
            return self._links[link_id]
        except KeyError:
            raise VpcLinkError(f'VPC link ID "{link_id}" not found', "NotFoundException") from None

    def delete(self, link_id: str) -> None:
        self.get(link_id)
        del self._links[link_id]

    def fail(self, link_id: str, message: str) -> VpcLink:
        """Make a link FAILED with ``message``, as API Gateway does when it cannot build it."""
        return self._set(replace(self.get(link_id), status="FAILED", status_message=message))

    def settle(self, link_id: str | None = None) -> list[VpcLink]:
        """Finish creating pending links (one, or all in creation order): each becomes
        AVAILABLE, or FAILED when another link already uses its load balancer."""
        pending = [self.get(link_id)] if link_id else list(self._links.values())
        settled = []
        for link in pending:
            if link.status != "PENDING":
                continue
            if self._load_balancer_taken(link):
                settled.append(self.fail(link.id, NLB_ALREADY_ASSOCIATED))
            else:
                settled.append(self._set(replace(link, status="AVAILABLE", status_message=None)))
        return settled

    def resolve(self, connection_id: str, stage_variables: Mapping[str, str] | None = None) -> VpcLink:
        """The AVAILABLE link an integration's ``connectionId`` names, after substituting a
        ``${stageVariables.name}`` reference."""
        link_id = self._substituted(connection_id, stage_variables or {})
        link = self.get(link_id)
        if not link.is_available:
            why = f": {link.status_message}" if link.status_message else ""
            raise VpcLinkError(f'VPC link "{link.id}" is {link.status}, not AVAILABLE{why}')
        return link

    def integration_problems(self, integration) -> list[Problem]:
        """A private integration naming a VPC link id (not a stage variable) needs that link."""
        connection_id = integration.connection_id
        if integration.connection_type != "VPC_LINK" or not connection_id:
            return []
        if rules.STAGE_VARIABLE_REFERENCE.fullmatch(connection_id) or connection_id in self._links:
            return []
        return [Problem("connectionId", f'VPC link ID "{connection_id}" not found (create the VPC link first)')]

    def _substituted(self, connection_id: str, stage_variables: Mapping[str, str]) -> str:
        reference = rules.STAGE_VARIABLE_REFERENCE.fullmatch(connection_id or "")
        if reference is None:
            return connection_id
        name = reference.group(1)
        if name not in stage_variables:
            raise VpcLinkError(f"connectionId {connection_id} names the stage variable {name!r}, "
                               f"which the stage does not define")
        return stage_variables[name]

    def _load_balancer_taken(self, link: VpcLink) -> bool:
        others = (other for other in self._links.values() if other.id != link.id and other.status == "AVAILABLE")
        return any(set(link.target_arns) & set(other.target_arns) for other in others)

    def _set(self, link: VpcLink) -> VpcLink:
        self._links[link.id] = link
        return link

    def _new_id(self) -> str:
        alphabet = string.ascii_lowercase + string.digits
        while True:
            link_id = "".join(secrets.choice(alphabet) for _ in range(6))
            if link_id not in self._links:
                return link_id
