"""The resource API: the endpoint registry, the pipeline every request goes through, and the endpoint families."""
