"""One parser per file format, each returning bounded `Article` records (see `loaders`)."""
