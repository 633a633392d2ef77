// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title RynusToken
/// @notice The settlement token of the Rynus network: a plain ERC-20 with EIP-2612 permit, so a
/// requester can approve and escrow in one transaction. The owner mints; on the devnet that is
/// the deployer, who funds every node's wallet.
contract RynusToken is ERC20, ERC20Permit, Ownable {
    constructor(address initialOwner) ERC20("Rynus", "RYN") ERC20Permit("Rynus") Ownable(initialOwner) {}

    /// @notice Creates `amount` tokens for `to`. Only the owner (devnet funder / governance).
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
