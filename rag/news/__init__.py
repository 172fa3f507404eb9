"""News sense: dates resolved in quotes, speakers, figures that differ, recency and timelines."""
