"""Signing in to the Wagtail admin in the browser tests."""


def sign_in_to_admin(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
