"""Every documented Fitbit error, as data.

The rows are the "HTTP Status Codes" reference page (shared/seeds/003_1f52c158bf9e46eb.txt), in its order, plus the
2026 Google-style intraday denial from the forum thread (shared/seeds/000_49558e59e220f9b6.txt). Code raises a row by
key with its arguments (`FitbitError("validation_date", date="2020-13-01")`); `errors.render` turns it into the body.

Where the seed's wording and what real clients parse disagree, the clients win and the choice is in
docs/decisions.md (the 429 message casing, the "Visit …" suffix on token errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, get_args


class Envelope(Enum):
    CLASSIC = "classic"  # {"errors":[{"errorType","fieldName"?,"message"}],"success":false}
    GOOGLE = "google"  # {"error":{"code","message","status"}}
    CONSENT_PAGE = "consent_page"  # shown on the authorize form: "<error> - <message>"
    SUBSCRIPTION = "subscription"  # 409: the conflicting subscription object itself


OAUTH_SUFFIX = ". Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process."


# Every row's key, as a type: `FitbitError("validaton_date")` is a type error, not a 500 at run time. The module
# refuses to load if this list and the rows disagree.
ErrorKey = Literal[
    "authorize_client_id_invalid",
    "authorize_client_id_missing",
    "authorize_code_challenge_invalid",
    "authorize_code_challenge_length",
    "authorize_code_challenge_missing",
    "authorize_code_challenge_method",
    "authorize_redirect_uri_invalid",
    "authorize_redirect_uri_missing",
    "authorize_response_type_invalid",
    "authorize_response_type_missing",
    "authorize_response_type_unauthorized",
    "authorize_personal_not_owner",
    "authorize_scope_invalid",
    "authorize_scope_missing",
    "code_expired",
    "code_invalid_grant",
    "refresh_token_missing",
    "refresh_token_invalid",
    "code_invalid_request",
    "code_verifier_missing",
    "code_verifier_mismatch",
    "grant_type_missing",
    "code_missing",
    "redirect_uri_mismatch_missing",
    "redirect_uri_mismatch",
    "code_verifier_invalid",
    "code_verifier_length",
    "request_body_unreadable",
    "food_log_without_food",
    "subscriber_id_invalid",
    "invalid_domain",
    "https_required",
    "unsupported_grant_type",
    "validation_resource_path",
    "validation_period",
    "validation_range",
    "validation_time_range",
    "validation_data_points",
    "validation_date",
    "validation_value",
    "validation_required",
    "expired_token",
    "client_auth_header_required",
    "client_auth_method_incorrect",
    "client_id_invalid",
    "client_secret_invalid",
    "client_auth_header_format",
    "auth_header_required",
    "invalid_token",
    "auth_token_type_invalid",
    "insufficient_permissions_fitbit",
    "insufficient_permissions_owner",
    "read_only_app",
    "insufficient_scope",
    "permission_denied",
    "refresh_token_not_found",
    "api_not_found",
    "entity_not_found",
    "method_not_allowed",
    "subscription_conflict",
    "refresh_conflict",
    "missing_content_length",
    "too_many_requests",
    "internal_error",
    "bad_gateway",
    "maintenance",
    "gateway_timeout",
]


@dataclass(frozen=True)
class ErrorRow:
    key: ErrorKey
    status: int
    error_type: str | None  # None where the seed's table has no error type (405, 502, 504)
    message: str  # str.format template; arguments named after what Fitbit substituted
    recommendation: str = ""
    envelope: Envelope = Envelope.CLASSIC
    field_name: str | None = None
    google_status: str | None = None  # the Google envelope's status, for rows that can be rendered that way

    def format_message(self, args: dict[str, object]) -> str:
        return self.message.format(**args)


_ROWS: list[ErrorRow] = [
    # --- Authorization errors: shown on the consent web form, no status code -----------------------------------
    ErrorRow(
        "authorize_client_id_invalid",
        400,
        "unauthorize_client",
        "Invalid client_id",
        envelope=Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_client_id_missing",
        400,
        "invalid_request",
        "Missing parameters: client_id",
        "Verify the authorization URL contains the client_id parameter",
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_code_challenge_invalid",
        400,
        "invalid_request",
        "The code_challenge parameter is invalid",
        envelope=Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_code_challenge_length",
        400,
        "invalid_request",
        "The code_challenge parameter length must be between 43 and 128",
        envelope=Envelope.CONSENT_PAGE,
    ),
    # Not in the seed table: Fitbit never required PKCE. Shown only in strict mode (P7, PKCE required for Client
    # apps); the wording follows Fitbit's own "Missing <parameter> parameter value" rows, see docs/oauth.md.
    ErrorRow(
        "authorize_code_challenge_missing",
        400,
        "invalid_request",
        "Missing code_challenge parameter value",
        "Client applications must send a PKCE code_challenge (S256) when the server runs in OAuth strict mode.",
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_code_challenge_method",
        400,
        "invalid_request",
        "Unsupported code_challenge_method",
        envelope=Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_redirect_uri_invalid",
        400,
        "invalid_request",
        "Invalid redirect_uri parameter value",
        "Verify the redirect_uri value in your application code matches the setting in https://dev.fitbit.com/apps.",
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_redirect_uri_missing",
        400,
        "invalid_request",
        "Missing redirect_uri parameter value",
        "Verify the authorization URL contains the redirect_uri parameter",
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_response_type_invalid",
        400,
        "unsupported_response_type",
        "Invalid response_type parameter value",
        envelope=Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_response_type_missing",
        400,
        "invalid_request",
        "Missing response_type parameter value",
        "Verify the authorization URL contains the response_type parameter",
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_response_type_unauthorized",
        400,
        "unauthorized_client",
        "The client is not authorized to request an access token using this method",
        'Use the supported response_type value based on your application\'s "OAuth 2.0 Application Type" setting.',
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_personal_not_owner",
        400,
        "unauthorized_client",
        'A "Personal" application is only authorized to request access tokens from the owner of the application',
        'Modify the application type to "server" or "client" when attempting to access data from another user.',
        Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_scope_invalid",
        400,
        "invalid_scope",
        "The requested scope is invalid, unknown or malformed: {scope}",
        envelope=Envelope.CONSENT_PAGE,
    ),
    ErrorRow(
        "authorize_scope_missing",
        400,
        "invalid_request",
        "Missing scope parameter value",
        "Verify the authorization URL contains the scope parameter",
        Envelope.CONSENT_PAGE,
    ),
    # --- 400 Bad Request ---------------------------------------------------------------------------------------
    ErrorRow("code_expired", 400, "invalid_grant", "Authorization code expired: {code}" + OAUTH_SUFFIX),
    ErrorRow("code_invalid_grant", 400, "invalid_grant", "Authorization code invalid: {code}" + OAUTH_SUFFIX),
    ErrorRow(
        "refresh_token_missing", 400, "invalid_grant", "Missing parameters: refresh_token" + OAUTH_SUFFIX
    ),
    ErrorRow(
        "refresh_token_invalid", 400, "invalid_grant", "Refresh token invalid: {refresh_token}" + OAUTH_SUFFIX
    ),
    ErrorRow(
        "code_invalid_request", 400, "invalid_request", "Authorization code invalid: {code}" + OAUTH_SUFFIX
    ),
    ErrorRow(
        "code_verifier_missing",
        400,
        "invalid_request",
        "Authorization code verifier invalid: null" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "code_verifier_mismatch",
        400,
        "invalid_request",
        "Authorization code verifier invalid: {code_verifier}" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "grant_type_missing",
        400,
        "invalid_request",
        "Missing \u2018grant_type\u2019 parameter values" + OAUTH_SUFFIX,
    ),
    ErrorRow("code_missing", 400, "invalid_request", "Missing parameters: code" + OAUTH_SUFFIX),
    ErrorRow(
        "redirect_uri_mismatch_missing", 400, "invalid_request", "Redirect_uri mismatch: null" + OAUTH_SUFFIX
    ),
    ErrorRow(
        "redirect_uri_mismatch",
        400,
        "invalid_request",
        "Redirect_uri mismatch: {redirect_uri}" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "code_verifier_invalid",
        400,
        "invalid_request",
        "The code_verifier parameter is invalid" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "code_verifier_length",
        400,
        "invalid_request",
        "The code_verifier parameter length must be between 43 and 128" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "request_body_unreadable", 400, "invalid_request", "There was an error reading the request body"
    ),
    ErrorRow(
        "food_log_without_food",
        400,
        "request",
        "Food log entry without food could not be updated",
        "Editing a food entry requires a non-zero foodId",
    ),
    ErrorRow(
        "subscriber_id_invalid",
        400,
        "request",
        "Invalid parameter subscriberId: {subscriber_id}",
        "The subscriberId in the error message does not exist. Check the subscribers created for this application at "
        "dev.fitbit.com",
    ),
    ErrorRow("invalid_domain", 400, "request", "Request to invalid domain: {domain}"),
    ErrorRow(
        "https_required",
        400,
        "request",
        "This request should use https protocol.",
        "Verify the endpoint or redirect_url is using https",
    ),
    ErrorRow(
        "unsupported_grant_type",
        400,
        "unsupported_grant_type",
        "The authorization grant_type is not supported" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "validation_resource_path",
        400,
        "validation",
        # With the resource path, as recorded ("…: /activities/floors", compared verbatim by Fitbit.NET's
        # Constants.cs; python-fitbit#71 ": /heart") [docs/decisions.md]
        "Invalid time series resource path: {path}",
        "Request parameter is invalid or missing.",
        field_name="resource path",
    ),
    ErrorRow(
        "validation_period",
        400,
        "validation",
        "Invalid time series period: {value}",
        'Verify the endpoint syntax contains "1d". See Intraday API.',
        field_name="period",
    ),
    ErrorRow(
        "validation_range",
        400,
        "validation",
        "The number of days between time series start and end dates cannot exceed {max}",
        "Shorten the date range for the endpoint arguments",
        field_name="date range",
    ),
    # Not in the seed table; recorded bodies [docs/decisions.md]: an intraday interval longer than a day
    # (teramonagi/fitbitr#31) and a `max` period longer than the row allows (decomissioned-fitbit-export#25-#28).
    ErrorRow(
        "validation_time_range",
        400,
        "request",
        "Time range should not be bigger than 24 hours.",
        "Ask for at most 24 hours of intraday data per request.",
        field_name="n/a",
    ),
    ErrorRow(
        "validation_data_points",
        422,
        "validation",
        "The number of data points queried exceeds limit.",
        "Ask for a shorter period, or a date range within the endpoint's maximum.",
        field_name="Request",
    ),
    ErrorRow(
        "validation_date",
        400,
        "validation",
        "Invalid date: {date}",
        "Verify date format is YYYY-MM-DD",
        field_name="date",
    ),
    # Not in the seed table: Fitbit's generic field validation (observed bodies such as fieldName "weight",
    # "Weight is required"); the wording is ours, see docs/decisions.md.
    ErrorRow(
        "validation_value", 400, "validation", "Invalid {field} parameter value: {value}", field_name="value"
    ),
    # [OBS reference §6.1: {"errorType":"validation","fieldName":"weight","message":"Weight is required"}]
    ErrorRow("validation_required", 400, "validation", "{label} is required", field_name="value"),
    # --- 401 Unauthorized ------------------------------------------------------------------------------------------
    ErrorRow(
        "expired_token",
        401,
        "expired_token",
        "Access token expired: {access_token}" + OAUTH_SUFFIX,
        "The OAuth access_token has expired. Use the refresh token obtained during consent to exchange for a new "
        "access_token and refresh_token pair. See Refresh Token.",
        google_status="UNAUTHENTICATED",
    ),
    ErrorRow(
        "client_auth_header_required", 401, "invalid_client", "Authorization header required" + OAUTH_SUFFIX
    ),
    ErrorRow(
        "client_auth_method_incorrect", 401, "invalid_client", "Incorrect authorization method" + OAUTH_SUFFIX
    ),
    ErrorRow(
        "client_id_invalid",
        401,
        "invalid_client",
        "Invalid authorization header. Client id invalid" + OAUTH_SUFFIX,
        "The Authorization header must be set to Basic, followed by a space, then the Base64 encoding of your "
        "application\u2019s client id and secret concatenated with a colon. See OAuth 2.0 documentation.",
    ),
    ErrorRow(
        "client_secret_invalid",
        401,
        "invalid_client",
        "Invalid authorization header. Client secret invalid" + OAUTH_SUFFIX,
    ),
    ErrorRow(
        "client_auth_header_format",
        401,
        "invalid_client",
        "Invalid authorization header format" + OAUTH_SUFFIX,
    ),
    ErrorRow("auth_header_required", 401, "invalid_request", "Authorization header required" + OAUTH_SUFFIX),
    ErrorRow(
        "invalid_token",
        401,
        "invalid_token",
        "Access token invalid: {access_token}" + OAUTH_SUFFIX,
        "The OAuth token provided is invalid or was revoked. See Revoked Tokens.",
        google_status="UNAUTHENTICATED",
    ),
    ErrorRow(
        "auth_token_type_invalid",
        401,
        "system",
        "Authorization error: invalid authorization token type",
        "The Authorization header must be set to Bearer, followed by a space, then the user's access token. See "
        "documentation for making requests.",
    ),
    # --- 403 Forbidden --------------------------------------------------------------------------------------------
    ErrorRow(
        "insufficient_permissions_fitbit",
        403,
        "insufficient_permissions",
        "API client is not authorized by Fitbit to access the resource requested" + OAUTH_SUFFIX,
        "If you application type is \u201cPersonal\u201d, then the owner of the application can only query their "
        "intraday data.",
        google_status="PERMISSION_DENIED",
    ),
    ErrorRow(
        "insufficient_permissions_owner",
        403,
        "insufficient_permissions",
        "API client is not authorized by the resource owner to access the resource requested" + OAUTH_SUFFIX,
        "Verify the user has authorized the scope for the endpoint being executed.",
    ),
    ErrorRow(
        "read_only_app",
        403,
        "insufficient_permissions",
        "Read-only API client is not authorized to update resources",
        "Verify the application is registered for read / write access. Changing this setting will invalidate all "
        "Bearer tokens.",
    ),
    ErrorRow(
        "insufficient_scope",
        403,
        "insufficient_scope",
        "This application does not have permission to {access_type} {resource_type} data" + OAUTH_SUFFIX,
        "Verify the Authorization header is set to Bearer. Verify the user has authorized the scope for the endpoint "
        "being executed.",
    ),
    ErrorRow(
        "permission_denied",
        403,
        None,
        "The caller does not have permission",
        "Intraday data needs a Personal app (owner's data only) or an intraday grant for Server and Client apps; "
        "a new token is needed after changing the app.",
        Envelope.GOOGLE,
        google_status="PERMISSION_DENIED",
    ),
    # --- 404 Not Found --------------------------------------------------------------------------------------------
    ErrorRow(
        "refresh_token_not_found",
        404,
        "invalid_request",
        "Refresh token not found",
        "The refresh token does not exist in our database. See Revoking refresh tokens for details.",
    ),
    ErrorRow(
        "api_not_found",
        404,
        "not_found",
        "The API you are requesting could not be found",
        "Verify the syntax of the endpoint. See Web API documentation",
        google_status="NOT_FOUND",
    ),
    ErrorRow(
        "entity_not_found",
        404,
        "not_found",
        "Requested entity was not found",
        "Verify the syntax of the endpoint. See Web API documentation",
        google_status="NOT_FOUND",
    ),
    # --- 405 Method Not Allowed -----------------------------------------------------------------------------------
    ErrorRow(
        "method_not_allowed",
        405,
        None,
        "The request method being used is not allowed to be executed against the server.",
        "Verify the syntax of the endpoint. See Web API documentation",
    ),
    # --- 409 Conflict -----------------------------------------------------------------------------------------------
    ErrorRow(
        "subscription_conflict",
        409,
        None,
        "Returned if the given user is already subscribed to this stream using a different subscription ID, OR if the "
        "given subscription ID is already used to identify a subscription to a different stream.",
        envelope=Envelope.SUBSCRIPTION,
    ),
    ErrorRow(
        "refresh_conflict",
        409,
        "invalid_request",
        "Concurrent refresh token requests were made by the same client for the same user, and while one of these "
        "requests probably succeeded, this one did not due to an update conflict.",
        "Avoid making multiple, concurrent refresh token requests within a short period of time. Try executing the "
        "token refresh endpoint once if possible. If necessary, wait a few seconds before executing the token refresh "
        "endpoint again.",
    ),
    # --- 411 Length Required ------------------------------------------------------------------------------------------
    ErrorRow(
        "missing_content_length",
        411,
        "MissingContentLength",
        "The Content-Length HTTP header is missing",
        "According to RFC 7230, section 3.3.2 , this HTTP request requires the Content-Length header field containing "
        "the anticipated size of the payload body.",
    ),
    # --- 429 Too Many Requests ------------------------------------------------------------------------------------
    ErrorRow(
        "too_many_requests",
        429,
        "system",
        "Too Many Requests",
        "Returned if the application has reached the rate limit for a specific user. The rate limit will be reset at "
        "the top of the hour.",
        field_name="n/a",
        google_status="RESOURCE_EXHAUSTED",
    ),
    # --- 5xx ------------------------------------------------------------------------------------------------------
    ErrorRow(
        "internal_error",
        500,
        "request",
        "An error occurred with the Fitbit Web API while processing the request.",
        "Try your request later.",
        google_status="INTERNAL",
    ),
    ErrorRow("bad_gateway", 502, None, "Bad Gateway", "Try your request later."),
    ErrorRow(
        "maintenance",
        503,
        "back_off_app_maintenance",
        "The Fitbit service is temporarily offline for maintenance. We'll be back soon.",
        "Please check https://www.fitbitstatus.com/ for the latest update.",
        google_status="UNAVAILABLE",
    ),
    ErrorRow("gateway_timeout", 504, None, "Gateway time-out", "Try your request later."),
]

CATALOGUE: dict[str, ErrorRow] = {row.key: row for row in _ROWS}
if len(CATALOGUE) != len(_ROWS) or set(CATALOGUE) != set(get_args(ErrorKey)):
    raise RuntimeError("the catalogue rows and ErrorKey disagree (or a key is used twice)")


def rows_for_status(status: int) -> list[ErrorRow]:
    return [row for row in _ROWS if row.status == status and row.envelope is not Envelope.CONSENT_PAGE]


class FitbitError(Exception):
    """A catalogue row raised with its arguments; rendered once by `errors.render`."""

    def __init__(
        self,
        key: ErrorKey,
        *,
        field_name: str | None = None,
        headers: dict[str, str] | None = None,
        **args: object,
    ):
        self.row = CATALOGUE[key]
        self.args_map = args
        self.field_name = field_name if field_name is not None else self.row.field_name
        self.headers = headers or {}
        super().__init__(f"{key}: {self.message}")

    @property
    def key(self) -> ErrorKey:
        return self.row.key

    @property
    def status(self) -> int:
        return self.row.status

    @property
    def message(self) -> str:
        try:
            return self.row.format_message(self.args_map)
        except KeyError:  # a fault injected without the row's arguments keeps the template's placeholders
            return self.row.message
