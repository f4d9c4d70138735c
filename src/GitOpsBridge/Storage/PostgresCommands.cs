using Npgsql;

namespace GitOpsBridge.Storage;

/// <summary>Small conveniences over Npgsql commands.</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
