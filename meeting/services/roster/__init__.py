"""The roster (grid, cadres, households, demands): paged queries and the file import."""
