using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>Takes the next queued fault for the request's route and acts it out.</summary>
internal sealed class FaultMiddleware(RequestDelegate next, EmulatorState state)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.Route();
        if (route is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (route.Key == GitHubRoutes.GitInfoRefs && context.Request.Query["service"] == "git-receive-pack")
        {
            var repositoryName = $"{context.Request.RouteValues["owner"]}/{context.Request.RouteValues["repo"]}";
            if (state.Faults.TryTake(route.Key, f => f.Kind == FaultKind.MoveBranchBeforePush && string.Equals(f.Repository, repositoryName, StringComparison.OrdinalIgnoreCase)) is { } before)
            {
                await MoveBranchAsync(context, before).ConfigureAwait(false);
            }
        }

        var fault = state.Faults.TryTake(route.Key, f => f.Kind is not (FaultKind.MoveBranchAfterFetch or FaultKind.MoveBranchBeforePush));
        if (fault is not null && !await ApplyAsync(context, route, fault).ConfigureAwait(false))
        {
            context.Items[EmulatorRouteExtensions.FaultInjectedItem] = fault;
            return;
        }

        await next(context).ConfigureAwait(false);

        if (route.Key == GitHubRoutes.GitUploadPack && context.Items.ContainsKey(EmulatorRouteExtensions.GitFetchItem))
        {
            var repository = $"{context.Request.RouteValues["owner"]}/{context.Request.RouteValues["repo"]}";
            var move = state.Faults.TryTake(
                route.Key,
                f => f.Kind == FaultKind.MoveBranchAfterFetch && string.Equals(f.Repository, repository, StringComparison.OrdinalIgnoreCase));
            if (move is not null)
            {
                // The pack was already made from the old tip; the response ends only after the
                // branch moved, so the client's next step (its push) is sure to see the move.
                await MoveBranchAsync(context, move).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Acts out a fault; true when the request should then go on as normal (a delay).</summary>
    private async Task<bool> ApplyAsync(HttpContext context, EmulatorRoute route, Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.Delay:
                await Task.Delay(fault.Duration, context.RequestAborted).ConfigureAwait(false);
                return true;

            case FaultKind.InternalServerError:
                await WriteAsync(context, 500, "Server Error").ConfigureAwait(false);
                return false;

            case FaultKind.BadGateway:
                await WriteAsync(context, 502, "Server Error").ConfigureAwait(false);
                return false;

            case FaultKind.SecondaryRateLimit:
                context.Response.Headers.RetryAfter = Seconds(fault.Duration);
                await WriteAsync(
                    context,
                    403,
                    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
                    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits").ConfigureAwait(false);
                return false;

            case FaultKind.TooManyRequests:
                context.Response.Headers.RetryAfter = Seconds(fault.Duration);
                await WriteAsync(context, 429, "Too Many Requests", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api").ConfigureAwait(false);
                return false;

            case FaultKind.PrimaryRateLimit:
                context.Items[EmulatorRouteExtensions.RateLimitExhaustedItem] = true;
                await WriteAsync(
                    context,
                    403,
                    "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.",
                    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit").ConfigureAwait(false);
                return false;

            case FaultKind.ExpiredToken:
                ExpireRequestToken(context);
                if (route.IsGit)
                {
                    context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
                    context.Response.StatusCode = 401;
                    await context.Response.WriteAsync("Authentication failed", context.RequestAborted).ConfigureAwait(false);
                }
                else
                {
                    await WriteAsync(context, 401, "Bad credentials").ConfigureAwait(false);
                }

                return false;

            case FaultKind.PullRequestAlreadyExists:
                var owner = context.Request.RouteValues["owner"] as string ?? "owner";
                var head = "branch";
                try
                {
                    if ((await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false))?["head"] is { } requested)
                    {
                        head = requested.GetValue<string>();
                    }
                }
                catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or FormatException)
                {
                    // The fault answers the same with an unreadable body.
                }

                var label = head.Contains(':', StringComparison.Ordinal) ? head : $"{owner}:{head}";
                await GitHubResults.ValidationFailed(
                    "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                    GitHubResults.FieldError("PullRequest", "custom", message: $"A pull request already exists for {label}.")).ExecuteAsync(context).ConfigureAwait(false);
                return false;

            default:
                return true;
        }
    }

    /// <summary>Expires whatever installation token the request carries (token, Bearer or Basic).</summary>
    private void ExpireRequestToken(HttpContext context)
    {
        var credential = AuthenticationMiddleware.Credential(context.Request, "token") ?? AuthenticationMiddleware.Credential(context.Request, "Bearer");
        if (credential is null && AuthenticationMiddleware.Credential(context.Request, "Basic") is { } basic)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(basic));
                credential = decoded[(decoded.IndexOf(':', StringComparison.Ordinal) + 1)..];
            }
            catch (FormatException)
            {
                credential = null;
            }
        }

        lock (state.Sync)
        {
            if (credential is not null && state.Tokens.TryGetValue(credential, out var token))
            {
                token.ExpiresAt = state.Now.AddSeconds(-1);
            }
        }
    }

    private async Task MoveBranchAsync(HttpContext context, Fault move)
    {
        var repository = state.FindRepository((string)context.Request.RouteValues["owner"]!, (string)context.Request.RouteValues["repo"]!);
        if (repository is null)
        {
            return;
        }

        var changes = move.Files!.ToDictionary(f => f.Key, f => f.Value is null ? null : Encoding.UTF8.GetBytes(f.Value));
        await repository.CommitFilesAsync(move.Branch!, changes, move.Kind == FaultKind.MoveBranchBeforePush ? $"Move {move.Branch} before a push (injected fault)" : $"Move {move.Branch} after a fetch (injected fault)", CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, int status, string message, string documentation = GitHubResults.Documentation) =>
        await GitHubResults.Error(status, message, documentation).ExecuteAsync(context).ConfigureAwait(false);

    private static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
