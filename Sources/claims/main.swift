import ClaimsCLI
ClaimsCommand.run()
