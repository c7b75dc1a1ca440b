# Sourced by every Bitbucket Pipelines step (`. tools/ci-setup.sh [--cluster-auth]`): what the
# step image (python:3.11-bookworm, pinned by digest) lacks.
# - make, unzip; Debian's Node.js runs npm only (npm bootstraps the pinned Node 22, package.json);
# - Go, for make validate's provider builds and the OpenTofu CLI: the toolchain module from the
#   Go module proxy (what GOTOOLCHAIN downloads), checked against its SHA-256; zips keep no
#   exec bits;
# - with --cluster-auth, gke-gcloud-auth-plugin, which the platform stack's kubernetes and helm
#   providers run (exec plugin, Application Default Credentials: the step's federated
#   credentials), from Google's Debian repository, its signing key fetched over HTTPS and
#   trusted for that repository only.
apt-get update -qq && apt-get install -y -qq --no-install-recommends make nodejs npm unzip || return 1
GO_TOOLCHAIN=v0.0.1-go1.26.8.linux-amd64
GO_TOOLCHAIN_SHA256=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
curl -fsSL -o /tmp/go.zip "https://proxy.golang.org/golang.org/toolchain/@v/$GO_TOOLCHAIN.zip" || return 1
echo "$GO_TOOLCHAIN_SHA256  /tmp/go.zip" | sha256sum -c - || return 1
unzip -q /tmp/go.zip -d /opt/go || return 1
export GOROOT="/opt/go/golang.org/toolchain@$GO_TOOLCHAIN"
chmod +x "$GOROOT"/bin/* "$GOROOT"/pkg/tool/*/* || return 1
export PATH="$GOROOT/bin:$PATH"
if [ "${1:-}" = "--cluster-auth" ]; then
  curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --dearmor -o /usr/share/keyrings/cloud.google.gpg || return 1
  echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main" > /etc/apt/sources.list.d/google-cloud-sdk.list
  apt-get update -qq && apt-get install -y -qq --no-install-recommends google-cloud-cli-gke-gcloud-auth-plugin || return 1
fi
