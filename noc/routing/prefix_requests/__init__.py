"""Prefix requests: ISPs ask the operator to accept prefixes; tracked until configured."""
