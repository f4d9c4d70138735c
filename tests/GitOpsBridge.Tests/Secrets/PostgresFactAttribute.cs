namespace GitOpsBridge.Tests.Secrets;

/// <summary>
/// A test against a real PostgreSQL: <c>GITOPS_BRIDGE_TEST_POSTGRES</c> holds an admin connection
/// string to a throwaway cluster (scripts/test.sh starts one). Unset, the test is skipped with the
/// reason locally, and fails under CI (<c>CI</c> set), where a missing cluster is a broken setup.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "GITOPS_BRIDGE_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{Variable} is not set (an admin connection string to a throwaway PostgreSQL cluster)";
        }
    }

    /// <summary>The admin connection string; under CI a missing one fails the test here.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} must be set under CI: scripts/test.sh starts a PostgreSQL cluster and sets it.");
}
