"""The bundled plugins: one package per plugin."""
