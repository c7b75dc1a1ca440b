"""The platform-owned GitOps skeleton (`cdktf.out/gitops/`): Kustomize bases and overlays for
pace-web and pace-ai, generated from the environment config by the same synth as the stacks."""
