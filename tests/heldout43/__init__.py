"""The forty-third held-out set: databases and data stores."""
