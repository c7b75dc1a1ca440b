# The verbs a person types. `make synth` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# Virtualenv inside the repo (./.venv): cdktf.json runs .venv/bin/python main.py.
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
# Node.js 22 from package.json first on PATH: jsii (under the Python bindings) and cdktf-cli run
# on it; the machine's Node 20 is past jsii's support and prints a banner on every run.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

VENV_PY := .venv/bin/python
CHECKOV := .tools/checkov/bin/checkov

.PHONY: help deps synth test lint pytest checkov snapshots bench check-config clean deploy plan apply-plan ci-credentials review deploy-order providers validate forcenew cli-path identity-matrix config-reference promote gitops-sync alert-scenarios alert-scenarios-doc

help:
	@echo "make synth      set up (pipenv, npm) and synthesize every stack into cdktf.out/"
	@echo "make test       set up and run ruff, make validate, make alert-scenarios, pytest"
	@echo "                (snapshots, constructs, policies, Checkov)"
	@echo "make validate   the pinned Terraform providers validate every stack (builds them once)"
	@echo "                (PACE_PROVIDERS=auto|build|registry, VALIDATE_ARGS=--require-all)"
	@echo "make providers  build or find the Terraform CLI and the pinned providers, and say which"
	@echo "make forcenew   regenerate the replacement facts review reads from the pinned google provider"
	@echo "make identity-matrix  regenerate docs/identity-matrix.md (every IAM grant) from a synth"
	@echo "make config-reference regenerate docs/reference/config.md (every config key) from the schema"
	@echo "make check-config     validate environments/*.yaml only"
	@echo "make alert-scenarios  every alert policy replayed over modelled failures and normal operation"
	@echo "make alert-scenarios-doc  regenerate docs/reference/alert-scenarios.md (each policy's scenarios)"
	@echo "make checkov    Checkov over a fresh synth of every stack"
	@echo "make snapshots  re-record the stack snapshots after a reviewed change"
	@echo "make bench      time a full synth against a bare import of the provider bindings"
	@echo "make review     what this change does to the synthesized stacks, with risk flags"
	@echo "                (BASE=<ref>, REVIEW_ARGS='--format markdown --fail-on-risk')"
	@echo "make deploy-order ENV=<env>  the stacks of <env> in dependency order"
	@echo "make plan ENV=<env>    plan every stack of <env> against its real state, save and review"
	@echo "                (PLAN_ARGS='--format markdown --fail-on-risk' or '--fail-on-change')"
	@echo "make apply-plan ENV=<env>  apply the plans make plan saved, stack by stack (STACKS=...)"
	@echo "make deploy ENV=<env>  first bring-up of a new environment only: cdktf deploy, unreviewed"
	@echo "make ci-credentials    (in a pipeline step with oidc: true) keyless Google credentials"
	@echo "                (CI_IDENTITY=planner ENV=<env>: the read-only planner's)"
	@echo "make gitops-sync GITOPS_DIR=<checkout>  the GitOps skeleton into a checkout, digests kept"
	@echo "make promote FROM=<env> TO=<env> GITOPS_DIR=<checkout>  a GitOps branch giving the next"
	@echo "                environment the lower one's digests, once its Argo CD shows them running"
	@echo "                (PROMOTE_ARGS=--open-pr: push, open the PR; --argocd-status FILE; --skip-sync-check REASON)"

# --- set-up ------------------------------------------------------------------------------------
# Every dependency is installed against a hash: pipenv itself (tools/pipenv-requirements.txt,
# where the machine has none), the app's (Pipfile.lock; pipenv sync checks them), Checkov's.
.venv/.synced: Pipfile.lock
	@$(PYTHON) -m pipenv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --require-hashes --no-deps -r tools/pipenv-requirements.txt
	$(PYTHON) -m pipenv sync --dev
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Checkov has its own pinned environment: in the Pipfile its resolver ran for over 17 minutes.
$(CHECKOV): tools/checkov-requirements.txt
	$(PYTHON) -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r tools/checkov-requirements.txt
	@touch $@

deps: .venv/.synced node_modules/.installed

# --- verbs -------------------------------------------------------------------------------------
check-config: .venv/.synced
	@$(VENV_PY) -m pace_infra.config

# Config is checked first: a bad file stops here with exit 2 and one line, cdktf.out untouched.
synth: deps
	@$(VENV_PY) -m pace_infra.config
	npx cdktf synth

lint: .venv/.synced
	$(VENV_PY) -m ruff check .
	$(VENV_PY) -m ruff format --check .

pytest: deps $(CHECKOV)
	$(VENV_PY) -m pytest

# validate before pytest: it builds the providers the harness tests run (once per machine).
# alert-scenarios after validate: it reads the synth validate made (cdktf.out), no second one.
test: lint validate alert-scenarios pytest

# Regenerates docs/identity-matrix.md from a fresh synth (a test fails when it is stale).
identity-matrix: synth
	@$(VENV_PY) -m pace_infra.tools.review.identity

# Regenerates docs/reference/config.md from the schema's field comments (a test fails when it
# is stale). Needs no synth: the config package loads no provider binding.
config-reference: .venv/.synced
	@$(VENV_PY) -m pace_infra.tools.config_reference

# Every alert policy of every environment evaluated offline over its scenarios (issue 15); part
# of make test. Synthesizes only when cdktf.out is older than the code (as validate does).
alert-scenarios: deps
	@$(VENV_PY) -m pace_infra.monitoring.scenarios --synth-if-stale cdktf.out

# Regenerates docs/reference/alert-scenarios.md from a synth and the scenario catalog (a test
# fails when it is stale).
alert-scenarios-doc: deps
	@$(VENV_PY) -m pace_infra.monitoring.scenarios --synth-if-stale --markdown docs/reference/alert-scenarios.md cdktf.out

# Regenerates pace_infra/tools/review/forcenew.json from the pinned provider's schema (tools/forcenew).
forcenew: synth
	@$(VENV_PY) -m pace_infra.tools.review.forcenew

# --- the real providers -----------------------------------------------------------------------
# Built from their Go modules into ~/.cache/pace-infra (PACE_CACHE_DIR), once per machine, and
# reused by every clone, `make test` and CI; taken from the registry where it answers instead.
providers: .venv/.synced
	@$(VENV_PY) -m pace_infra.tools.toolchain

# The CLI's path only (the machine's terraform, else OpenTofu built from its module), for
# TERRAFORM_BINARY_NAME, which `cdktf deploy` runs in its place.
cli-path: .venv/.synced
	@$(VENV_PY) -m pace_infra.tools.toolchain --cli-path

# Synthesizes first when cdktf.out is older than the code.
validate: deps
	@$(VENV_PY) -m pace_infra.tools.toolchain.validate $(VALIDATE_ARGS)

checkov: deps $(CHECKOV)
	@rm -rf .checkov-synth && CDKTF_OUTDIR=.checkov-synth $(VENV_PY) main.py
	$(CHECKOV) --config-file .checkov.yaml -d .checkov-synth/stacks; status=$$?; rm -rf .checkov-synth; exit $$status

snapshots: deps
	$(VENV_PY) -m pytest tests/stacks --snapshot-update

bench: deps
	$(VENV_PY) -m pace_infra.tools.bench

# Synthesizes the working tree and the base (default: merge base with main) in parallel.
review: deps
	@$(VENV_PY) -m pace_infra.tools.review $(if $(BASE),--base $(BASE)) $(REVIEW_ARGS)

deploy-order: deps
	@test -n "$(ENV)" || { echo "usage: make deploy-order ENV=<env>" >&2; exit 2; }
	@$(VENV_PY) main.py
	@$(VENV_PY) -m pace_infra.tools.deploy_order $(ENV)

# Plans of every stack against its real backend, with the caller's credentials (exit 2 without).
plan: synth
	@test -n "$(ENV)" || { echo "usage: make plan ENV=<env>" >&2; exit 2; }
	@$(VENV_PY) -m pace_infra.tools.plan $(ENV) $(PLAN_ARGS)

# Applies exactly the saved plans of this commit (the pipeline's deploy step).
apply-plan: synth
	@test -n "$(ENV)" || { echo "usage: make apply-plan ENV=<env>" >&2; exit 2; }
	@$(VENV_PY) -m pace_infra.tools.plan.apply $(ENV) $(if $(STACKS),--stacks $(STACKS))

# The first bring-up of a new environment only (no state yet, so downstream stacks cannot be
# planned ahead): everything but bootstrap and cicd, in dependency order, unreviewed. Later
# changes go through make plan and make apply-plan.
deploy: deps
	@test -n "$(ENV)" || { echo "usage: make deploy ENV=<env>" >&2; exit 2; }
	@stacks="$$($(VENV_PY) -m pace_infra.units $(ENV))" || exit 2; \
	echo "deploying $$stacks"; \
	npx cdktf deploy $$stacks --auto-approve --outputs-file cdktf.out/outputs-$(ENV).json

# Writes .ci-credentials/ and prints the export line; use: eval "$$(make -s ci-credentials)".
ci-credentials: .venv/.synced
	@$(VENV_PY) -m pace_infra.tools.ci_credentials $(if $(filter planner,$(CI_IDENTITY)),--planner $(ENV))

# A promotion branch of the GitOps checkout (docs/operations/application-pipeline.md).
promote: .venv/.synced
	@test -n "$(FROM)" -a -n "$(TO)" -a -n "$(GITOPS_DIR)" || { echo "usage: make promote FROM=<env> TO=<env> GITOPS_DIR=<checkout>" >&2; exit 2; }
	@$(VENV_PY) -m pace_infra.tools.delivery.promote --from $(FROM) --to $(TO) --gitops-dir $(GITOPS_DIR) $(PROMOTE_ARGS)

# Brings cdktf.out/gitops/ (make synth) into a GitOps checkout, keeping its digests; commits nothing.
gitops-sync: synth
	@test -n "$(GITOPS_DIR)" || { echo "usage: make gitops-sync GITOPS_DIR=<checkout>" >&2; exit 2; }
	@$(VENV_PY) -m pace_infra.tools.gitops_sync $(GITOPS_DIR)

clean:
	rm -rf cdktf.out .checkov-synth .ci-credentials .pytest_cache .ruff_cache .terraform-validate .terraform-plan plans
