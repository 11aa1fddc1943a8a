"""Mail that arrives: stored whole, then routed to the area that answers it (maintenance or BGP)."""
