"""The Terraform providers and CLI that `make validate` runs, pinned to their release commits.

One table: the provider versions here are the ones the cdktf bindings were generated for
(google 16.12.1 = hashicorp/google 6.50.0, ...), and a test checks that every synthesized
`required_providers` block names exactly these versions.

Why pseudo-versions: the providers' release tags (v6.50.0, v2.38.0, ...) are not valid versions
of their Go modules, whose paths carry no `/v6` suffix; the Go module proxy knows a release commit
only as a pseudo-version `v<last v1 tag + 1>-0.<UTC commit time>-<12-hex commit>`.

Why module hashes: the checksum database has no entry for these pseudo-versions, so the `h1:`
hashes of the module zip and go.mod are pinned here, as a go.sum would pin them; the build fails if
the proxy serves anything else. google's were recorded from the proxy's zip after checking that
its files are the release commit's tree. Dependencies are checked against the provider's own
go.sum, exactly as a build from the release checkout would.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GoBuild:
    """How to build one binary from a Go module on the module proxy."""

    module: str  # Go module path
    version: str  # module version the proxy serves (a pseudo-version for a commit)
    commit: str  # the release commit that version stands for
    package: str = "."  # main package, relative to the module root
    set_vars: tuple[str, ...] = ()  # `-ldflags -X` assignments the release process makes
    tags: tuple[str, ...] = ()  # build tags of the release process
    zip_hash: str | None = None  # go.sum `h1:` of the module zip; None: not recorded yet
    mod_hash: str | None = None  # go.sum `h1:` of the module's go.mod


@dataclass(frozen=True)
class PinnedProvider:
    """A Terraform provider at the version the bindings were generated for."""

    namespace: str  # registry namespace: hashicorp, pagerduty
    name: str  # provider type: google, kubernetes, ...
    version: str  # release version, as required_providers pins it
    build: GoBuild

    @property
    def address(self) -> str:
        """`namespace/name`, as Terraform prints it."""
        return f"{self.namespace}/{self.name}"

    @property
    def binary_name(self) -> str:
        """The file name Terraform looks for in a provider mirror."""
        return f"terraform-provider-{self.name}_v{self.version}"


PROVIDERS: tuple[PinnedProvider, ...] = (
    PinnedProvider(
        "hashicorp",
        "google",
        "6.50.0",
        GoBuild(
            module="github.com/hashicorp/terraform-provider-google",
            version="v1.20.1-0.20250919180509-956f510990a7",
            commit="956f510990a78614a06730c34e93779171c5e8f7",
            # .goreleaser.yml at v6.50.0
            set_vars=(
                "github.com/hashicorp/terraform-provider-google/version.ProviderVersion=6.50.0",
            ),
            zip_hash="h1:3EEvZb7SRzXfp5+6ZPNZuN6nAB8DmSAr/cpVL65dHgs=",
            mod_hash="h1:RAmCm7Ff/t3bxpkiAEymzJWxxEmtEVg2eRbG5zRJtTQ=",
        ),
    ),
    PinnedProvider(
        "hashicorp",
        "kubernetes",
        "2.38.0",
        GoBuild(
            module="github.com/hashicorp/terraform-provider-kubernetes",
            version="v1.13.4-0.20250721172020-be88f4427105",
            commit="be88f44271050f69d52f410bca388834afedfe71",
            set_vars=("main.Version=2.38.0",),  # main.go at v2.38.0
        ),
    ),
    PinnedProvider(
        "hashicorp",
        "helm",
        "3.1.1",
        GoBuild(
            module="github.com/hashicorp/terraform-provider-helm",
            version="v1.3.3-0.20251117192655-1cbf08f6a306",
            commit="1cbf08f6a306ab3cdff6079b87a61c7641b64f3b",
            set_vars=("main.Version=3.1.1",),  # main.go at v3.1.1
        ),
    ),
    PinnedProvider(
        "pagerduty",
        "pagerduty",
        "3.30.8",
        GoBuild(
            module="github.com/PagerDuty/terraform-provider-pagerduty",
            version="v1.11.1-0.20251204142907-106953aabaf6",
            commit="106953aabaf64d6847e044535e63ed7843aed2de",
            set_vars=("main.version=3.30.8",),  # .goreleaser.yml at v3.30.8
            tags=("timetzdata",),
        ),
    ),
)

# The CLI used where the machine has no `terraform`: OpenTofu (MPL-2.0), built from its module.
# Its go.mod replaces hashicorp/hcl with OpenTofu's fork; the build runs inside the module, so the
# replace applies exactly as in OpenTofu's own release build.
OPENTOFU_VERSION = "1.10.10"
OPENTOFU = GoBuild(
    module="github.com/opentofu/opentofu",
    version=f"v{OPENTOFU_VERSION}",
    commit="51257d7593a2a90bdaa8c0ed15ed967fe1ff6cbb",
    package="./cmd/tofu",
    set_vars=("github.com/opentofu/opentofu/version.dev=no",),  # a release, not "-dev"
    zip_hash="h1:ELFHOkY0x/bHvkgBP4KK3i7Y19CSFuHOyeZOLc0cqWY=",
    mod_hash="h1:oVRpePf5RvwzlebM/6UbJlJTun3F9MfqHF0AcZ5/SvY=",
)

# kustomize (Apache-2.0) renders the GitOps skeleton's overlays in the tests, as Argo CD does.
# v5.8.0: Argo CD 3.x bundles a kustomize 5 of the same line; go.mod asks for go 1.24.
KUSTOMIZE_VERSION = "5.8.0"
KUSTOMIZE = GoBuild(
    module="sigs.k8s.io/kustomize/kustomize/v5",
    version=f"v{KUSTOMIZE_VERSION}",
    commit="0054b5e2961dd51cbbec37aafe75d7ffe9148428",
    zip_hash="h1:CCIJK7z/xJOlkXOaDOcL2jprV53a/eloiL02wg7oJJs=",
    mod_hash="h1:qewGAExYZK9LbPPbnJMPK5HQ8nsdxRzpclIg0qslzDo=",
)


def provider(name: str) -> PinnedProvider:
    """The pinned provider of that type (KeyError if there is none)."""
    for pinned in PROVIDERS:
        if pinned.name == name:
            return pinned
    raise KeyError(name)
