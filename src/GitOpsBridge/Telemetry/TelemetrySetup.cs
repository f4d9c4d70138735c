using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GitOpsBridge.Telemetry;

/// <summary>
/// OpenTelemetry for the service: the bridge's spans and metrics plus ASP.NET Core's and
/// HttpClient's, a Prometheus scrape endpoint at <c>/metrics</c>, and OTLP export of traces,
/// metrics and logs when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard <c>OTEL_*</c>
/// variables configure it further). Query strings never reach a span or a log line.
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>The variable that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Log categories that write the request line, query included, at Information or Debug.</summary>
    private static readonly string[] RequestLineCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.Server.Kestrel.BadRequests",
        "System.Net.Http.HttpClient",
    ];

    public static WebApplicationBuilder AddBridgeTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(builder.Configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions());

        // The request log lines carry the full URL; a registry's ?token= must never be written.
        foreach (var category in RequestLineCategories)
        {
            builder.Logging.AddFilter(category, LogLevel.Warning);
        }

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "gitops-bridge"))
            .WithTracing(tracing => tracing
                .AddSource(BridgeTelemetry.Name)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !IsProbe(context.Request.Path);
                    o.EnrichWithHttpRequest = (activity, _) => QueryRedactionProcessor.Redact(activity);
                })
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, _) => QueryRedactionProcessor.Redact(activity))
                .AddProcessor(new QueryRedactionProcessor()))
            .WithMetrics(metrics => metrics
                .AddMeter(BridgeTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());

        // After AddOpenTelemetry: hosted services start in order, so the meter provider listens
        // before the sampler sets the zero series.
        services.AddSingleton<QueueSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueSampler>());
        services.AddSingleton<BridgeGauges>();

        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            otel.WithLogging(logging => { }, options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });
            otel.UseOtlpExporter();
        }

        return builder;
    }

    public static WebApplication MapBridgeTelemetry(this WebApplication app)
    {
        // Created here so the gauges exist from the first scrape on.
        app.Services.GetRequiredService<BridgeGauges>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz")
        || path.StartsWithSegments("/dashboard/assets");
}
