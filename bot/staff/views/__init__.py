"""The staff workspace's pages, one blueprint per area."""
