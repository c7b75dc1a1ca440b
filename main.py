"""The cdktf app (cdktf.json runs it): load environments, build one App, synthesize it."""

from pace_infra.tools.cli import exit_now, main

if __name__ == "__main__":
    exit_now(main())
