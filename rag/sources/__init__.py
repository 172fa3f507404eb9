"""Live sources: fetching article pages and feeds from the web, politely and safely."""
