"""Who may act: NOC users and the JSON API's bearer tokens."""
