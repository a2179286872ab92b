"""The thirty-eighth held-out set: web frameworks (routing, templates, middleware, CSRF, settings), frozen."""
