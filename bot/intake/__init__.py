"""Partner intakes: delivering consultation requests and the pick-up link."""
