"""`flask --app meeting …` commands, one module per concern, each with register(app); create_app calls them."""
