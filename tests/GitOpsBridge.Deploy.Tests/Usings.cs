global using System.Text.Json.Nodes;
global using GitOpsBridge.Deploy.Tests.Support;
