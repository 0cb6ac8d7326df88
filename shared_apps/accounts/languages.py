"""The languages a person may choose for what the platform sends them, each named in itself."""

LANGUAGE_CHOICES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English"), ("de", "Deutsch")]
