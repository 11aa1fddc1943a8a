"""(being written)"""
from flask import Blueprint

bp = Blueprint('public', __name__)


def register(app):
    app.register_blueprint(bp)
