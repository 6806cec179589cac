"""front_client: the hand-written layer over the generated ``front_core_api`` package."""
