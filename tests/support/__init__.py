"""Test support shared by every topic's tests: apps, clients, servers, shown exchanges."""
