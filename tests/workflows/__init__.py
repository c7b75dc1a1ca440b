"""Tests of the Cloud Workflows sources, offline."""
