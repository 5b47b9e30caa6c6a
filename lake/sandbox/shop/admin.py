"""Admin endpoints of the sandbox's shop database (mounted under `/_admin/shop_db`).

- `GET /_admin/shop_db`: `{"url": "sqlite:///...", "path", "today", "refusing"}` (writes the
  database on first call);
- `POST /_admin/shop_db/refuse` `{"seconds": 5}`: the database refuses readers for that long.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from lake.errors import ValidationError
from lake.sandbox.context import SandboxState


def admin_blueprint(state: SandboxState) -> Blueprint:
    bp = Blueprint("sandbox_shop_db_admin", __name__, url_prefix="/_admin/shop_db")

    @bp.errorhandler(ValidationError)
    def refused(exc: ValidationError) -> tuple[Response, int]:
        return jsonify({"error": str(exc)}), 400

    @bp.get("")
    def show() -> Response:
        database = state.shop_db
        return jsonify(
            {
                "url": database.url,
                "path": str(database.path),
                "today": state.world.today.isoformat(),
                "refusing": database.refusing,
            }
        )

    @bp.post("/refuse")
    def refuse() -> tuple[Response, int]:
        body = request.get_json(silent=True) or {}
        seconds = body.get("seconds", 5) if isinstance(body, dict) else None
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise ValidationError(f"seconds must be a number, got {seconds!r}")
        state.shop_db.refuse(float(seconds))
        return jsonify({"refusing": True, "seconds": seconds}), 201

    return bp
