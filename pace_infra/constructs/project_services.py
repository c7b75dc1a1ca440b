"""ProjectServices: the Google APIs a project must have enabled before anything else applies."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.project_service import ProjectService
from constructs import Construct


@dataclass(frozen=True)
class ProjectServicesProps:
    services: tuple[str, ...]  # e.g. ("compute.googleapis.com", ...)


class ProjectServices(Construct):
    """One `google_project_service` per API, never disabled by a destroy.

    Handle: `enabled` (API name -> what depends on it being on).
    """

    def __init__(self, scope: Construct, id_: str, *, props: ProjectServicesProps) -> None:
        super().__init__(scope, id_)
        self.enabled: dict[str, ITerraformDependable] = {}
        for service in props.services:
            api = ProjectService(
                self,
                service,
                service=service,
                # Disabling an API on destroy takes down everything else that uses it in the
                # project (and other stacks' resources with it): leave APIs on.
                disable_on_destroy=False,
                disable_dependent_services=False,
            )
            api.override_logical_id(service.split(".", 1)[0])
            self.enabled[service] = api
