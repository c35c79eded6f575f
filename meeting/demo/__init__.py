"""Demo and test data: a deterministic Yishui-scale roster, its bulk loader and a sample meeting. Not a use case: nothing in meeting/services imports it."""
