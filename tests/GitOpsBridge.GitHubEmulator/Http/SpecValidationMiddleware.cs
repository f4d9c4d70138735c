using System.Text;
using GitOpsBridge.GitHubEmulator.Spec;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>
/// Checks each REST request and response against GitHub's OpenAPI description. A breach is
/// recorded; in <see cref="SpecViolationMode.Fail"/> the client gets a 500 that names it.
/// Injected faults' responses are not checked (they are GitHub's failure modes, not its contract).
/// </summary>
internal sealed class SpecValidationMiddleware(RequestDelegate next, EmulatorState state)
{
    private static readonly Lazy<OperationValidator> SharedValidator = new(() => new OperationValidator(OpenApiDescription.Instance));

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.Route();
        // GraphQL is not in the REST description; GraphQlApi checks documents against the GraphQL schema.
        if (!state.Options.ValidateAgainstSpec || route is { IsGit: true } || route?.Key == GitHubRoutes.GraphQl)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var display = path + request.QueryString.Value;
        var match = OpenApiDescription.Instance.Match(request.Method, path);
        if (match is null)
        {
            var documentedElsewhere = OpenApiDescription.Instance.HasPath(path);
            await ViolateAsync(
                context,
                new SpecViolation(
                    SpecViolationKind.UndocumentedOperation,
                    request.Method,
                    display,
                    null,
                    documentedElsewhere ? $"{request.Method} is not documented for this path" : "no documented operation has this path"),
                proceed: next).ConfigureAwait(false);
            return;
        }

        var operationId = match.Operation.OperationId;
        if (route is null)
        {
            await ViolateAsync(
                context,
                new SpecViolation(SpecViolationKind.NotEmulated, request.Method, display, operationId, $"the emulator does not implement {operationId} ({match.PathTemplate})"),
                proceed: next).ConfigureAwait(false);
            return;
        }

        request.EnableBuffering();
        using var requestBody = new MemoryStream();
        await request.Body.CopyToAsync(requestBody, context.RequestAborted).ConfigureAwait(false);
        request.Body.Position = 0;

        var query = request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)));
        var requestErrors = SharedValidator.Value.ValidateRequest(
            match, query, requestBody.GetBuffer().AsSpan(0, (int)requestBody.Length), state.Options.ToleratedQueryParameters as IReadOnlySet<string>);
        if (requestErrors.Count > 0)
        {
            var violation = new SpecViolation(SpecViolationKind.Request, request.Method, display, operationId, string.Join("; ", requestErrors));
            state.RecordViolation(violation);
            if (state.Options.ViolationMode == SpecViolationMode.Fail)
            {
                await WriteViolationAsync(context, violation).ConfigureAwait(false);
                return;
            }
        }

        var original = context.Response.Body;
        using var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (state.ResponseTamper is { } tamper)
        {
            var tampered = tamper(route.Key, responseBody.ToArray());
            responseBody.SetLength(0);
            responseBody.Write(tampered);
            context.Response.ContentLength = tampered.Length;
        }

        if (!context.Items.ContainsKey(EmulatorRouteExtensions.FaultInjectedItem))
        {
            var responseErrors = SharedValidator.Value.ValidateResponse(
                match, context.Response.StatusCode, context.Response.ContentType, responseBody.GetBuffer().AsSpan(0, (int)responseBody.Length));
            if (responseErrors.Count > 0)
            {
                var violation = new SpecViolation(
                    SpecViolationKind.Response, request.Method, display, operationId, $"status {context.Response.StatusCode}: {string.Join("; ", responseErrors)}");
                state.RecordViolation(violation);
                if (state.Options.ViolationMode == SpecViolationMode.Fail && !context.Response.HasStarted)
                {
                    context.Response.Clear();
                    await WriteViolationAsync(context, violation).ConfigureAwait(false);
                    return;
                }
            }
        }

        responseBody.Position = 0;
        await responseBody.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ViolateAsync(HttpContext context, SpecViolation violation, RequestDelegate proceed)
    {
        state.RecordViolation(violation);
        if (state.Options.ViolationMode == SpecViolationMode.Fail)
        {
            await WriteViolationAsync(context, violation).ConfigureAwait(false);
        }
        else
        {
            await proceed(context).ConfigureAwait(false);
        }
    }

    private static async Task WriteViolationAsync(HttpContext context, SpecViolation violation)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = GitHubResults.ErrorBody(500, $"GitHub emulator: REST description violation: {violation}", "https://github.com/github/rest-api-description");
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(GitHubResults.Output));
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
