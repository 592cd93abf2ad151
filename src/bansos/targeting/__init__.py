"""Targeting: the proxy-means test, welfare deciles, program rules as data and decisions with reasons."""
