"""The shared browser login of every sandbox platform: `/<platform>/login`,
`/<platform>/login/verify` (second factor) and `/<platform>/logout`.

Form fields are `email`, `password` and `code` in both layouts; element ids and button labels
change under the `layout_change` fault, as when a site ships a redesign:

- login form: `#login-form`, inputs `#email` and `#password`, button `#login-button` "Log
  in"; changed: `#auth-form`, `#user-email`, `#user-password`, button `#signin-submit` "Sign in";
- code form: `#verify-form`, input `#otp-code`, button `#verify-button` "Verify"; changed:
  `#challenge-form`, `#security-code`, button `#confirm-code` "Confirm".
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template_string, request

from lake.sandbox.auth import sandbox_otp
from lake.sandbox.context import PlatformContext

_IDS = {
    False: {
        "form": "login-form",
        "button": "login-button",
        "label": "Log in",
        "email": "email",
        "password": "password",
        "vform": "verify-form",
        "code": "otp-code",
        "vbutton": "verify-button",
        "vlabel": "Verify",
    },
    True: {
        "form": "auth-form",
        "button": "signin-submit",
        "label": "Sign in",
        "email": "user-email",
        "password": "user-password",
        "vform": "challenge-form",
        "code": "security-code",
        "vbutton": "confirm-code",
        "vlabel": "Confirm",
    },
}

_LOGIN = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }} - {{ ids.label }}</title></head>
<body>
<h1>{{ title }}</h1>
{% if message %}<p class="error" id="login-error">{{ message }}</p>{% endif %}
<form id="{{ ids.form }}" method="post" action="{{ action }}">
  <input type="hidden" name="next" value="{{ next }}">
  <label>E-mail <input id="{{ ids.email }}" name="email" type="email" autocomplete="username">
  </label>
  <label>Password <input id="{{ ids.password }}" name="password" type="password"
    autocomplete="current-password"></label>
  <button id="{{ ids.button }}" type="submit">{{ ids.label }}</button>
</form>
</body></html>
"""

_VERIFY = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }} - two-step verification</title></head>
<body>
<h1>Enter the code we sent you</h1>
{% if message %}<p class="error" id="verify-error">{{ message }}</p>{% endif %}
<form id="{{ ids.vform }}" method="post" action="{{ action }}">
  <input type="hidden" name="next" value="{{ next }}">
  <label>Code <input id="{{ ids.code }}" name="code" inputmode="numeric"
    autocomplete="one-time-code"></label>
  <button id="{{ ids.vbutton }}" type="submit">{{ ids.vlabel }}</button>
</form>
</body></html>
"""


def login_blueprint(ctx: PlatformContext) -> Blueprint:
    """The login, verify and logout routes of one platform (mounted under `/<platform>`)."""
    bp = Blueprint(f"{ctx.platform}_login", __name__)

    def safe_next() -> str:
        target = request.values.get("next") or ""
        return target if target.startswith(ctx.prefix + "/") else ctx.prefix + "/"

    def page(template: str, action: str, message: str = "", status: int = 200) -> Response:
        html = render_template_string(
            template,
            title=ctx.title,
            ids=_IDS[ctx.layout_changed()],
            action=action,
            next=safe_next(),
            message=message,
        )
        return Response(html, status=status, mimetype="text/html")

    @bp.get("/login")
    def login_form() -> Response:
        return page(_LOGIN, f"{ctx.prefix}/login")

    @bp.post("/login")
    def login_submit() -> Response:
        email = request.form.get("email", "")
        password = request.form.get("password", "")
        if not ctx.state.auth.check_password(email, password):
            return page(_LOGIN, f"{ctx.prefix}/login", "Wrong e-mail or password.", 401)
        always = ctx.platform in ctx.state.config.two_factor
        asks = always or ctx.take_fault("require_2fa") is not None
        sid = ctx.state.auth.open_session(ctx.platform, email, verified=not asks)
        target = f"{ctx.prefix}/login/verify?next={safe_next()}" if asks else safe_next()
        response = redirect(target, code=303)
        response.set_cookie(ctx.cookie, sid, path=ctx.prefix, httponly=True, samesite="Lax")
        return response

    @bp.get("/login/verify")
    def verify_form() -> Response:
        if ctx.current_session() is None:
            return redirect(ctx.login_url(safe_next()), code=302)
        return page(_VERIFY, f"{ctx.prefix}/login/verify")

    @bp.post("/login/verify")
    def verify_submit() -> Response:
        session = ctx.current_session()
        if session is None:
            return redirect(ctx.login_url(safe_next()), code=303)
        if request.form.get("code", "").strip() != sandbox_otp(ctx.platform):
            return page(_VERIFY, f"{ctx.prefix}/login/verify", "That code is not valid.", 401)
        ctx.state.auth.verify_session(request.cookies[ctx.cookie])
        return redirect(safe_next(), code=303)

    @bp.route("/logout", methods=["GET", "POST"])
    def logout() -> Response:
        ctx.state.auth.close_session(request.cookies.get(ctx.cookie))
        response = redirect(f"{ctx.prefix}/login", code=303)
        response.delete_cookie(ctx.cookie, path=ctx.prefix)
        return response

    return bp
