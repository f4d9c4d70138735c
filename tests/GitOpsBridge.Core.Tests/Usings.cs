global using GitOpsBridge.Core.Tests.Support;
