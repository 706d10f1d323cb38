"""Django admin is the system administrator's tool for accounts and roles; casework is done in the app."""
