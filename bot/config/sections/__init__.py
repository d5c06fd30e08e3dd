"""One module per config section; each model is documented field by field for the JSON Schema."""
