"""PACE infrastructure as code: a cdktf app whose stacks describe PACE on Google Cloud."""
