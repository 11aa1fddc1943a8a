"""The operator's policy: what RPKI and the IRR say about a prefix, turned into a verdict."""
